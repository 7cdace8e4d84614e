#!/usr/bin/env python3
"""Whole-server benchmark: an edit that changes what other specs see, with 50 specs open.

    scripts/bench-open50.py [--workspace DIR] [--files 10000] [--open 50] [--edits 100]
                            [--target median|largest|PATH] [--out FILE] [--binary PATH]

The workspace (default: the corpus of ../shared/bench/gen_corpus.py with --files and seed
42, generated once under target/bench/ as scripts/bench does) is copied under
target/bench/ and never changed itself. In the copy, 50 specs (--open) cite one target
spec: the line `Builds on [ID §Technical Design](PATH#technical-design), ID.` is appended
to each, so each names the target by id and links to its `Technical Design` heading by
anchor. gen_corpus.py cites specs at random, so few cite any one spec both ways; the
specs that already cite the target by id or file name are chosen first, then the others
in path order, leaving out the corpus's 20,000-line specs. The target is the spec of
median size (--target median), the largest spec (largest) or a path in the workspace.

specls (target/release/specls, built first unless --binary) is started on the copy over
stdio as a client that takes pushed diagnostics (it does not offer to pull them), and
asked `workspace/symbol` until indexing is complete (specls answers it once the scan
has ended). The 50 specs and the target are opened, then the target is edited --edits
times, one edit at a time, cycling through: rename the heading `Technical Design`, rename
it back, change the `spec-id` value, change it back. Every one of these edits changes
the findings of each of the 50 open specs (their link's anchor or the id they name
appears or disappears) as well as the target's own. A title change is not among them:
specls shows a title only in hovers and completion, so it re-checks no other document.

The figure, for each edit: the time from writing the didChange to receiving the last
publishDiagnostics that the edit caused, where the edit has caused one for the target's
new version and at least one for each of the 50 open specs, and the server then
publishes nothing more for --quiet-ms (the quiet period is not counted). A miss (not all
51 within --timeout seconds) is reported, not timed. Printed: p50 / p95 / max of that
figure and of the target's own diagnostics, with the server's CPU time per edit; the JSON
(--out, default target/bench/open50.json) also holds every sample.

The server's stderr goes to target/bench/open50-specls.stderr; warnings and panics in it
are counted and the first shown. Nothing here is a test. Stdlib only.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "bench")
BENCH = os.path.join(ROOT, "target", "bench")
HEADING = "Technical Design"
HUGE_LINES = 5000

clock = time.perf_counter


def uri_of(path):
    return "file://" + quote(os.path.abspath(path))


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def percentile(values, p):
    """Linear interpolation between the closest ranks (what lspbench reports)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def memory_mb(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------
# the workspace


def generated_corpus(files):
    path = os.path.join(BENCH, "corpus-%d" % files)
    if not os.path.isdir(path):
        os.makedirs(BENCH, exist_ok=True)
        partial = path + ".tmp"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), partial,
                        "--files", str(files), "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
        os.rename(partial, path)
    return path


def markdown_files(folder):
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found.extend(os.path.join(parent, f) for f in files if f.endswith(".md"))
    return sorted(found)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def spec_id(text):
    found = re.search(r"^spec-id: *(\S+) *$", text, re.M)
    return found.group(1) if found else None


def choose_target(files, how, workspace):
    if how == "median":
        by_size = sorted(files, key=lambda p: (os.path.getsize(p), p))
        return by_size[len(by_size) // 2]
    if how == "largest":
        return max(files, key=lambda p: (os.path.getsize(p), p))
    path = os.path.abspath(os.path.join(workspace, how))
    if path not in files:
        sys.exit("--target %s: not a Markdown file of %s" % (how, workspace))
    return path


def prepare(source, count, how):
    """A copy of `source` where `count` specs cite the target: (copy, target, referrers)."""
    source = os.path.abspath(source)
    copy = os.path.join(BENCH, "%s-open%d-%s" % (os.path.basename(source.rstrip("/")), count,
                                                re.sub(r"[^A-Za-z0-9]+", "_", how)))
    record = copy + ".json"
    if os.path.isdir(copy) and os.path.exists(record):
        with open(record) as f:
            made = json.load(f)
        if made.get("source") == source:
            return copy, os.path.join(copy, made["target"]), [os.path.join(copy, p) for p in made["referrers"]]
    shutil.rmtree(copy, ignore_errors=True)
    if os.path.exists(record):
        os.remove(record)
    print("copying %s to %s" % (source, copy), file=sys.stderr)
    shutil.copytree(source, copy, symlinks=True)
    files = markdown_files(copy)
    target = choose_target(files, how, copy)
    target_text = read(target)
    target_id = spec_id(target_text)
    if target_id is None or ("\n## %s\n" % HEADING) not in target_text:
        sys.exit("%s has no spec-id or no `## %s` heading to edit" % (target, HEADING))
    name = os.path.basename(target)
    citing, others = [], []
    id_word = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(target_id))
    for path in files:
        if path == target:
            continue
        text = read(path)
        if text.count("\n") > HUGE_LINES:
            continue
        (citing if name in text or id_word.search(text) else others).append(path)
    referrers = (citing + others)[:count]
    if len(referrers) < count:
        sys.exit("only %d specs to open besides the target" % len(referrers))
    for path in referrers:
        link = os.path.relpath(target, os.path.dirname(path)).replace(os.sep, "/")
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nBuilds on [%s §%s](%s#%s), %s.\n"
                    % (target_id, HEADING, quote(link), HEADING.lower().replace(" ", "-"), target_id))
    with open(record, "w") as f:
        json.dump({"source": source, "target": os.path.relpath(target, copy),
                   "already_citing": len([p for p in referrers if p in citing]),
                   "referrers": [os.path.relpath(p, copy) for p in referrers]}, f, indent=1)
    print("%s (%s) is cited by %d specs, %d of which cited it before"
          % (os.path.relpath(target, copy), target_id, len(referrers),
             len([p for p in referrers if p in citing])), file=sys.stderr)
    return copy, target, referrers


# --------------------------------------------------------------------------
# the client


class Server:
    """specls over stdio: requests wait for their answer; published diagnostics are kept
    as (arrival time, uri, version, number of diagnostics)."""

    def __init__(self, command, workspace, stderr_path):
        self.workspace = workspace
        self.stderr = open(stderr_path, "wb")
        self.process = subprocess.Popen(command, cwd=workspace, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.stderr)
        self.write_lock = threading.Lock()
        self.changed = threading.Condition()
        self.answers = {}
        self.published = []
        self.next_id = 0
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        with self.write_lock:
            try:
                self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.process.stdin.flush()
            except (BrokenPipeError, OSError):
                self.closed = True

    def _read(self):
        stream = self.process.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        raise EOFError
                    if not line.strip():
                        break
                    key, _, value = line.decode("ascii").partition(":")
                    if key.strip().lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                body = stream.read(length)
                arrived = clock()
                if len(body) < length:
                    raise EOFError
                self._receive(json.loads(body), arrived)
        except (EOFError, ValueError, OSError):
            pass
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _receive(self, message, arrived):
        method = message.get("method")
        if method is None:
            with self.changed:
                self.answers[message.get("id")] = message
                self.changed.notify_all()
        elif "id" in message:
            # Not written from this thread: while it waited for the pipe to the server, the
            # server could fill the pipe from it.
            answer = {"jsonrpc": "2.0", "id": message["id"], "result": self._answer(method, message)}
            threading.Thread(target=self._send, args=(answer,), daemon=True).start()
        elif method == "textDocument/publishDiagnostics":
            params = message.get("params") or {}
            with self.changed:
                self.published.append((arrived, params.get("uri"), params.get("version"),
                                       len(params.get("diagnostics") or [])))
                self.changed.notify_all()

    def _answer(self, method, message):
        if method == "workspace/configuration":
            return [None for _ in (message.get("params") or {}).get("items", [])]
        if method == "workspace/workspaceFolders":
            return [{"uri": uri_of(self.workspace), "name": os.path.basename(self.workspace)}]
        if method == "workspace/applyEdit":
            return {"applied": False}
        return None

    def request(self, method, params, timeout):
        with self.changed:
            self.next_id += 1
            number = self.next_id
        message = {"jsonrpc": "2.0", "id": number, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        deadline = clock() + timeout
        with self.changed:
            while number not in self.answers:
                left = deadline - clock()
                if left <= 0 or self.closed:
                    raise RuntimeError("%s: no answer within %.0f s" % (method, timeout))
                self.changed.wait(left)
            answer = self.answers.pop(number)
        if "error" in answer:
            raise RuntimeError("%s: %s" % (method, answer["error"]))
        return answer.get("result")

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, done, since, timeout):
        """Waits until `done(published since index `since`)` holds; whether it did."""
        deadline = clock() + timeout
        with self.changed:
            while not done(self.published[since:]):
                left = deadline - clock()
                if left <= 0 or self.closed:
                    return False
                self.changed.wait(left)
        return True

    def quiet(self, seconds, limit):
        """Waits until nothing is published for `seconds`; the time of the last publication."""
        deadline = clock() + limit
        with self.changed:
            while True:
                last = self.published[-1][0] if self.published else 0.0
                left = last + seconds - clock()
                if left <= 0 or clock() > deadline or self.closed:
                    return last
                self.changed.wait(left)

    def mark(self):
        with self.changed:
            return len(self.published)

    def stop(self):
        try:
            if not self.closed:
                self.request("shutdown", None, 10)
                self.notify("exit", None)
            self.process.wait(timeout=10)
        except (RuntimeError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.stderr.close()


CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"workspaceFolders": True, "configuration": True,
                  "didChangeWatchedFiles": {"dynamicRegistration": True}},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        # No `diagnostic` (pull) capability: the server pushes every result it publishes.
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
    },
    "window": {"workDoneProgress": False},
}


# --------------------------------------------------------------------------
# the run


class Document:
    def __init__(self, path):
        self.path = path
        self.uri = uri_of(path)
        self.lines = read(path).split("\n")
        self.version = 1

    def replace_line(self, number, text):
        """The change that replaces line `number` with `text` (incremental sync)."""
        old = self.lines[number]
        self.lines[number] = text
        self.version += 1
        return {"range": {"start": {"line": number, "character": 0},
                          "end": {"line": number, "character": utf16_len(old)}}, "text": text}


def edit_cycle(target):
    """The four edits, as (kind, line number, new line), each undone two edits later."""
    heading = target.lines.index("## " + HEADING)
    id_line = next(i for i, line in enumerate(target.lines) if line.startswith("spec-id:"))
    old_heading, old_id = target.lines[heading], target.lines[id_line]
    # `SPEC-0123` becomes `SPEC-01230`: gen_corpus writes no id with a leading zero and
    # five digits, so the new id is nobody's.
    return [("heading", heading, old_heading + " v2"), ("heading back", heading, old_heading),
            ("spec-id", id_line, old_id.rstrip() + "0"), ("spec-id back", id_line, old_id)]


def stderr_findings(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    odd = [line for line in lines if re.search(r"\b(WARN|ERROR|warn|error|panick?ed|panic)\b", line)]
    return len(lines), odd


def measure(args, binary, workspace, target_path, referrers):
    os.makedirs(BENCH, exist_ok=True)
    stderr_path = os.path.join(BENCH, "open50-specls.stderr")
    server = Server([binary], workspace, stderr_path)
    pid = server.process.pid
    result = {"workspace": workspace, "target": os.path.relpath(target_path, workspace),
              "open": len(referrers), "binary": binary, "loadavg_before": os.getloadavg(),
              "notes": []}
    try:
        started = clock()
        server.request("initialize", {
            "processId": os.getpid(), "clientInfo": {"name": "bench-open50"},
            "rootUri": uri_of(workspace),
            "workspaceFolders": [{"uri": uri_of(workspace), "name": os.path.basename(workspace)}],
            "capabilities": CAPABILITIES}, 60)
        server.notify("initialized", {})
        initialized = clock()
        # Answered once the scan has ended; asked until it gives symbols, in case a
        # server answers early with what it has.
        while True:
            symbols = server.request("workspace/symbol", {"query": ""}, args.timeout * 20)
            if symbols or clock() - initialized > args.timeout * 20:
                break
            time.sleep(0.2)
        result["index_ms"] = (clock() - initialized) * 1000
        result["init_to_index_ms"] = (clock() - started) * 1000
        print("indexed in %.0f ms (%d symbols), RSS %.0f MB"
              % (result["index_ms"], len(symbols or []), memory_mb(pid, "VmRSS") or 0), file=sys.stderr)

        documents = [Document(p) for p in referrers]
        target = Document(target_path)
        since = server.mark()
        opening = clock()
        for document in documents + [target]:
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": document.uri, "languageId": "markdown", "version": document.version,
                "text": "\n".join(document.lines)}})
        uris = {d.uri for d in documents + [target]}
        opened = server.wait_for(lambda got: uris <= {uri for _, uri, _, _ in got}, since, args.timeout * 4)
        if not opened:
            sys.exit("not every opened document got diagnostics within %.0f s" % (args.timeout * 4))
        server.quiet(args.quiet_ms / 1000.0, args.timeout)
        result["open_all_ms"] = (server.published[-1][0] - opening) * 1000
        baseline = {}
        for _, uri, _, count in server.published:
            baseline[uri] = count

        cycle = edit_cycle(target)
        referrer_uris = {d.uri for d in documents}
        edits = []
        for number in range(args.warmup + args.edits):
            kind, line, text = cycle[number % len(cycle)]
            change = target.replace_line(line, text)
            since = server.mark()
            version = target.version

            def complete(got):
                own_done = any(uri == target.uri and v == version for _, uri, v, _ in got)
                return own_done and referrer_uris <= {uri for _, uri, _, _ in got}

            cpu_before = cpu_seconds(pid)
            sent = clock()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": target.uri, "version": version}, "contentChanges": [change]})
            arrived = server.wait_for(complete, since, args.timeout)
            server.quiet(args.quiet_ms / 1000.0, args.timeout)
            cpu_after = cpu_seconds(pid)
            with server.changed:
                got = server.published[since:]
            if number < args.warmup:
                continue
            edit = {"kind": kind, "complete": arrived, "publications": len(got)}
            if cpu_before is not None and cpu_after is not None:
                edit["cpu_ms"] = round((cpu_after - cpu_before) * 1000, 1)
            edits.append(edit)
            if not arrived:
                result["notes"].append("edit %d (%s): not all %d documents published within %.0f s"
                                       % (number, kind, len(uris), args.timeout))
                continue
            edit["all_ms"] = round((got[-1][0] - sent) * 1000, 3)
            edit["own_ms"] = round((min(t for t, uri, v, _ in got if uri == target.uri and v == version)
                                    - sent) * 1000, 3)
            last = {}
            for _, uri, _, count in got:
                last[uri] = count
            # Broken anchors and unknown ids come with an edit and go with its undoing.
            restores = kind.endswith("back")
            edit["unexpected_counts"] = sum((last[uri] == baseline[uri]) != restores for uri in referrer_uris)
        result["loadavg_after"] = os.getloadavg()
        done = [e for e in edits if e["complete"]]
        result["edits"] = len(edits)
        result["misses"] = len(edits) - len(done)
        result["extra_publications"] = sum(e["publications"] - len(uris) for e in done)
        result["unexpected_counts"] = sum(e["unexpected_counts"] for e in done)
        result["per_edit"] = edits

        def figures(prefix, chosen):
            for field, name in (("all_ms", prefix), ("own_ms", prefix + "_own")):
                values = [e[field] for e in chosen]
                result[name + "_p50_ms"] = percentile(values, 50)
                result[name + "_p95_ms"] = percentile(values, 95)
                result[name + "_max_ms"] = max(values) if values else None
            cpu = [e["cpu_ms"] for e in chosen if "cpu_ms" in e]
            result[prefix + "_cpu_ms_mean"] = statistics.mean(cpu) if cpu else None

        figures("edit_others_see", done)
        for kind in ("heading", "spec-id"):
            figures(kind.replace("-", "_"), [e for e in done if e["kind"].split()[0] == kind])
        result["peak_rss_mb"] = memory_mb(pid, "VmHWM")
    finally:
        server.stop()
    lines, odd = stderr_findings(stderr_path)
    result["stderr_lines"] = lines
    result["stderr_warnings"] = odd[:20]
    result["stderr_warning_count"] = len(odd)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", help="the workspace to copy (default: the generated corpus)")
    parser.add_argument("--files", type=int, default=10000, help="size of the generated corpus")
    parser.add_argument("--open", type=int, default=50, help="specs open that cite the target")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=4, help="edits made before measuring")
    parser.add_argument("--target", default="median", help="median, largest or a path in the workspace")
    parser.add_argument("--quiet-ms", type=float, default=300,
                        help="how long nothing more is published before an edit counts as done")
    parser.add_argument("--timeout", type=float, default=30, help="seconds an edit's diagnostics may take")
    parser.add_argument("--binary", help="the specls to run (default: a release build of this tree)")
    parser.add_argument("--out", default=os.path.join(BENCH, "open50.json"))
    args = parser.parse_args()

    if args.binary:
        binary = os.path.abspath(args.binary)
    else:
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "specls"], cwd=ROOT, check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                              "release", "specls")
    source = args.workspace or generated_corpus(args.files)
    workspace, target, referrers = prepare(source, args.open, args.target)
    result = measure(args, binary, workspace, target, referrers)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)

    def ms(value):
        return "n/a" if value is None else "%.1f" % value

    print("%s, target %s, %d specs open besides it, %d edits (%d missed), load %.2f -> %.2f"
          % (workspace, result["target"], result["open"], result["edits"], result["misses"],
             result["loadavg_before"][0], result["loadavg_after"][0]))
    print("%-46s %8s %8s %8s %10s" % ("ms", "p50", "p95", "max", "CPU mean"))
    for prefix, label in (("edit_others_see", "an edit others see, to the last of the 51"),
                          ("heading", "  heading renamed or back"),
                          ("spec_id", "  spec-id changed or back")):
        print("%-46s %8s %8s %8s %10s" % (label, ms(result[prefix + "_p50_ms"]), ms(result[prefix + "_p95_ms"]),
                                           ms(result[prefix + "_max_ms"]), ms(result[prefix + "_cpu_ms_mean"])))
        print("%-46s %8s %8s %8s" % ("    the target's own diagnostics", ms(result[prefix + "_own_p50_ms"]),
                                      ms(result[prefix + "_own_p95_ms"]), ms(result[prefix + "_own_max_ms"])))
    print("%d publications beyond the %d expected an edit; %d findings counts not as expected; "
          "peak RSS %s MB" % (result["extra_publications"], result["open"] + 1,
                              result["unexpected_counts"], ms(result.get("peak_rss_mb"))))
    print("server stderr: %d lines, %d warnings or errors%s"
          % (result["stderr_lines"], result["stderr_warning_count"],
             "".join("\n  " + line for line in result["stderr_warnings"][:5])))
    for note in result["notes"][:10]:
        print("note: " + note)
    print("JSON: %s" % args.out)


if __name__ == "__main__":
    main()
