//! Reading JSON-RPC messages off a byte stream: `Content-Length` framing, then the body
//! as JSON, then the message's shape. Every malformed message becomes a [`Incoming::Invalid`]
//! that the server answers and skips; only a frame whose end cannot be found stops the
//! session ([`FrameError`]).

use std::borrow::Cow;
use std::io::{BufRead, Read};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// A frame larger than this is skipped, not read (its length still finds the next one).
/// A 50 MB document is a frame of about that size.
pub const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;
/// A header line longer than this is not a header.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// One message from the client, as the server acts on it.
#[derive(Debug)]
pub enum Incoming {
    /// A request (with an id) or a notification (without).
    Request(Request),
    /// The client's answer to a request of the server.
    Response(Response),
    /// A message the server answers with an error and otherwise ignores.
    Invalid { id: Id, error: Error },
}

/// Why the stream of frames cannot go on: the next frame's start is unknown.
#[derive(Debug, PartialEq, Eq)]
pub struct FrameError(pub String);

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads the next frame's body; `None` at the end of the stream between frames.
pub fn read_frame(reader: &mut impl BufRead) -> Result<Option<FrameBody>, FrameError> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let read = reader
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|err| FrameError(format!("cannot read a frame header: {err}")))?;
        if read == 0 {
            return if first {
                Ok(None)
            } else {
                Err(FrameError("the stream ended inside a frame header".to_string()))
            };
        }
        first = false;
        if !line.ends_with(b"\n") {
            return Err(FrameError(format!(
                "a frame header line is longer than {MAX_HEADER_LINE} bytes or unterminated"
            )));
        }
        let line = trim_line_end(&line);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        let Some((name, value)) = text.split_once(':') else {
            return Err(FrameError(format!(
                "the frame header {text:?} is not `Name: value`"
            )));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let parsed = value.trim().parse::<usize>().map_err(|_| {
                FrameError(format!(
                    "the frame's Content-Length {:?} is not a number",
                    value.trim()
                ))
            })?;
            length = Some(parsed);
        }
    }
    let Some(length) = length else {
        return Err(FrameError("a frame has no Content-Length header".to_string()));
    };
    if length > MAX_FRAME_BYTES {
        let skipped = std::io::copy(&mut reader.by_ref().take(length as u64), &mut std::io::sink())
            .map_err(|err| FrameError(format!("cannot skip an oversized frame: {err}")))?;
        if skipped < length as u64 {
            return Err(FrameError("the stream ended inside a frame".to_string()));
        }
        return Ok(Some(FrameBody::TooLarge(length)));
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|_| FrameError("the stream ended inside a frame".to_string()))?;
    Ok(Some(FrameBody::Bytes(body)))
}

#[derive(Debug, PartialEq, Eq)]
pub enum FrameBody {
    Bytes(Vec<u8>),
    /// Skipped: it was this many bytes long.
    TooLarge(usize),
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// What a frame holds, and a note for the log when it had to be repaired or refused.
pub fn parse_body(body: FrameBody) -> (Incoming, Option<String>) {
    let bytes = match body {
        FrameBody::Bytes(bytes) => bytes,
        FrameBody::TooLarge(length) => {
            return invalid(
                Id::Null,
                ErrorCode::InvalidRequest,
                format!("message of {length} bytes is over the {MAX_FRAME_BYTES}-byte limit; skipped"),
            );
        }
    };
    let mut notes = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => Cow::Owned(text),
        Err(err) => {
            notes.push("message body is not UTF-8; invalid bytes read as U+FFFD".to_string());
            Cow::Owned(String::from_utf8_lossy(err.as_bytes()).into_owned())
        }
    };
    let text = match replace_unpaired_surrogates(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(repaired) => {
            notes.push("unpaired UTF-16 surrogate escapes read as U+FFFD".to_string());
            Cow::Owned(repaired)
        }
    };
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(err) => {
            let (incoming, _) = invalid(
                Id::Null,
                ErrorCode::ParseError,
                format!("message body is not JSON: {err}"),
            );
            return (incoming, Some(format!("message body is not JSON: {err}")));
        }
    };
    match classify(value) {
        Ok(incoming) => (incoming, note),
        Err((id, message)) => {
            let (incoming, _) = invalid(id, ErrorCode::InvalidRequest, message.clone());
            (incoming, Some(format!("invalid message: {message}")))
        }
    }
}

fn invalid(id: Id, code: ErrorCode, message: String) -> (Incoming, Option<String>) {
    let note = Some(message.clone());
    let error = Error {
        code,
        message: message.into(),
        data: None,
    };
    (Incoming::Invalid { id, error }, note)
}

/// A request, notification or response, or why the value is none of them (and the id to
/// answer, when it has one).
fn classify(value: Value) -> Result<Incoming, (Id, String)> {
    let Value::Object(object) = &value else {
        let what = if value.is_array() {
            "a batch (JSON array), which LSP does not use"
        } else {
            "not a JSON object"
        };
        return Err((Id::Null, format!("the message is {what}")));
    };
    let id = match object.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.is_i64() => n.as_i64().map(Id::Number),
        Some(Value::String(s)) => Some(Id::String(s.clone())),
        Some(other) => {
            return Err((
                Id::Null,
                format!("the message's id {other} is not a number or string"),
            ));
        }
    };
    let answer = id.clone().unwrap_or(Id::Null);
    if object.get("jsonrpc") != Some(&Value::String("2.0".to_string())) {
        return Err((answer, "the message's `jsonrpc` is not \"2.0\"".to_string()));
    }
    match object.get("method") {
        Some(Value::String(_)) => serde_json::from_value::<Request>(value)
            .map(Incoming::Request)
            .map_err(|err| (answer, format!("malformed request: {err}"))),
        Some(_) => Err((answer, "the message's `method` is not a string".to_string())),
        None if id.is_some() && (object.contains_key("result") || object.contains_key("error")) => {
            serde_json::from_value::<Response>(value)
                .map(Incoming::Response)
                .map_err(|err| (answer, format!("malformed response: {err}")))
        }
        None => Err((
            answer,
            "the message is neither a request, a notification nor a response".to_string(),
        )),
    }
}

/// JSON text with every `\uXXXX` escape of an unpaired UTF-16 surrogate replaced by
/// `\uFFFD`, as JavaScript clients write strings with a lone surrogate and JSON parsers
/// refuse them. Borrowed when there is nothing to replace.
pub fn replace_unpaired_surrogates(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    let escape_at = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            b'\\' if in_string => {
                let Some(unit) = escape_at(i) else {
                    // Any other escape is two bytes (`\"`, `\\`, `\n`); a broken one is the
                    // parser's to report.
                    i += 2;
                    continue;
                };
                let paired_high = (0xD800..0xDC00).contains(&unit)
                    && escape_at(i + 6).is_some_and(|low| (0xDC00..0xE000).contains(&low));
                if paired_high {
                    i += 12;
                } else if (0xD800..0xE000).contains(&unit) {
                    let out = out.get_or_insert_with(|| String::with_capacity(json.len()));
                    out.push_str(&json[copied..i]);
                    out.push_str("\\uFFFD");
                    i += 6;
                    copied = i;
                } else {
                    i += 6;
                }
            }
            _ => i += 1,
        }
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut out) => {
            out.push_str(&json[copied..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Result<Option<FrameBody>, FrameError>> {
        let mut reader = std::io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let next = read_frame(&mut reader);
            let stop = !matches!(next, Ok(Some(_)));
            out.push(next);
            if stop {
                return out;
            }
        }
    }

    #[test]
    fn frames_are_cut_by_their_length() {
        let found = frames(b"Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]");
        assert_eq!(
            found,
            vec![
                Ok(Some(FrameBody::Bytes(b"{}".to_vec()))),
                Ok(Some(FrameBody::Bytes(b"[1]".to_vec()))),
                Ok(None)
            ]
        );
    }

    #[test]
    fn a_frame_without_a_usable_length_stops_the_stream() {
        for input in [
            &b"Content-Length: x\r\n\r\n{}"[..],
            b"Content-Type: y\r\n\r\n{}",
            b"garbage\r\n\r\n",
            b"Content-Length: 10\r\n\r\n{}",
            b"Content-Length: 2\r\n",
        ] {
            let found = frames(input);
            assert!(matches!(found.last(), Some(Err(_))), "{input:?}: {found:?}");
        }
    }

    #[test]
    fn surrogates_are_repaired_only_where_unpaired() {
        let cases = [
            (r#""a\ud83d""#, r#""a\uFFFD""#),
            (r#""\udc00x""#, r#""\uFFFDx""#),
            (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#),
            (r#""\ud83d\ud83d\ude00""#, r#""\uFFFD\ud83d\ude00""#),
            (r#""\\ud83d""#, r#""\\ud83d""#),
            (r#"{"k\ud800": "\"\ud800"}"#, r#"{"k\uFFFD": "\"\uFFFD"}"#),
            (r#""\u00e9""#, r#""\u00e9""#),
        ];
        for (input, expected) in cases {
            assert_eq!(replace_unpaired_surrogates(input), expected, "{input}");
            let parsed: Result<Value, _> = serde_json::from_str(&replace_unpaired_surrogates(input));
            assert!(parsed.is_ok(), "{input}");
        }
        assert!(matches!(
            replace_unpaired_surrogates(r#"{"plain": "text"}"#),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn messages_are_classified() {
        let parse = |body: &str| parse_body(FrameBody::Bytes(body.as_bytes().to_vec())).0;
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            Incoming::Request(_)
        ));
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            Incoming::Request(_)
        ));
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","id":"a","result":null}"#),
            Incoming::Response(_)
        ));
        for (body, code) in [
            ("{", ErrorCode::ParseError),
            ("{}", ErrorCode::InvalidRequest),
            ("[]", ErrorCode::InvalidRequest),
            (
                r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
                ErrorCode::InvalidRequest,
            ),
            (
                r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#,
                ErrorCode::InvalidRequest,
            ),
            (r#"{"jsonrpc":"2.0","id":1}"#, ErrorCode::InvalidRequest),
        ] {
            match parse(body) {
                Incoming::Invalid { error, .. } => assert_eq!(error.code, code, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
