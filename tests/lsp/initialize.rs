use serde_json::json;

use crate::support::Server;

fn negotiated(encodings: serde_json::Value) -> String {
    let capabilities = if encodings.is_null() {
        json!({})
    } else {
        json!({ "general": { "positionEncodings": encodings } })
    };
    let (server, result) = Server::start_with(capabilities);
    let encoding = result["capabilities"]["positionEncoding"]
        .as_str()
        .unwrap()
        .to_string();
    server.shutdown();
    encoding
}

#[test]
fn position_encoding_is_negotiated_in_client_preference_order() {
    assert_eq!(negotiated(serde_json::Value::Null), "utf-16");
    assert_eq!(negotiated(json!(["utf-8", "utf-16"])), "utf-8");
    assert_eq!(negotiated(json!(["utf-32", "utf-8"])), "utf-32");
    assert_eq!(negotiated(json!(["ucs-2", "utf-16"])), "utf-16");
    assert_eq!(negotiated(json!(["ucs-2"])), "utf-16");
}

#[test]
fn capabilities_announce_incremental_sync_outline_and_folding() {
    let (server, result) = Server::start_with(json!({}));
    let capabilities = &result["capabilities"];
    assert_eq!(
        capabilities["textDocumentSync"]["change"],
        json!(2),
        "INCREMENTAL"
    );
    assert_eq!(capabilities["textDocumentSync"]["openClose"], json!(true));
    assert_eq!(capabilities["documentSymbolProvider"], json!(true));
    assert_eq!(capabilities["foldingRangeProvider"], json!(true));
    assert_eq!(result["serverInfo"]["name"], json!("specls"));
    server.shutdown();
}
