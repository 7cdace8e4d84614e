#!/usr/bin/env python3
"""Whole-server benchmark of the workspace index (issue 5's figures).

Generates the 10,000-spec corpus of ../shared/bench/gen_corpus.py (once, under target/),
makes 500 specs reference the largest spec by id (so an edit there is an edit of a spec
that 500 others reference), builds specls in release mode and runs
../shared/bench/lspbench.py on it. Extra arguments go to lspbench, e.g. --runs 3.

    python3 scripts/bench-workspace.py [--files 10000] [--referrers 500] [LSPBENCH ARGS...]
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "..", "shared", "bench")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--referrers", type=int, default=500)
    args, rest = parser.parse_known_args()
    corpus = os.path.join(ROOT, "target", "bench", "corpus-%d-refs-%d" % (args.files, args.referrers))
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_corpus.py"), corpus,
                        "--files", str(args.files), "--seed", "42"], check=True)
        add_referrers(corpus, args.referrers)
    subprocess.run(["cargo", "build", "--release", "-p", "specls"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "specls")
    out = os.path.join(ROOT, "target", "bench", "specls-%d.json" % args.files)
    subprocess.run([sys.executable, os.path.join(BENCH, "lspbench.py"), "--name", "specls",
                    "--workspace", corpus, "--out", out] + rest + ["--", binary], check=True)


def add_referrers(corpus, count):
    """The largest spec (the one lspbench edits) gets `count` specs that reference it."""
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".md"))
    largest = max(files, key=os.path.getsize)
    with open(largest, encoding="utf-8") as f:
        spec_id = re.search(r"^spec-id: (\S+)$", f.read(), re.M).group(1)
    others = [path for path in files if path != largest][:count]
    for path in others:
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nBuilds on %s.\n" % spec_id)
    print("%s (%s) is referenced by %d more specs" % (os.path.relpath(largest, corpus), spec_id, len(others)))


if __name__ == "__main__":
    main()
