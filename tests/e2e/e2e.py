#!/usr/bin/env python3
"""Editor end-to-end tests: a real headless Neovim and a batch Emacs with eglot drive specls,
and Helix's config parses.

    python3 tests/e2e/e2e.py --nvim NVIM [--emacs EMACS] --specls-dir target/debug

Runs nvim_e2e.lua and emacs_e2e.el, each on a scratch copy of tests/e2e/workspace (so the
checkout is never edited), with --specls-dir first on PATH so that the unchanged
editors/nvim/lsp/specls.lua (`cmd = { "specls" }`) and the eglot set-up of
editors/README.md start the freshly built binary. Every step prints PASS or FAIL; the last
line sums them up and the exit status is non-zero when any step failed.

SPECLS_E2E_XFAIL, a comma-separated list of step-name prefixes (e.g. "completion,hover"),
marks steps that wait for a server feature not merged yet: their failure prints XFAIL and
does not fail the run, and their success prints XPASS so the entry can be removed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# One bound for each editor's whole run; the scripts' own waits are far shorter.
EDITOR_TIMEOUT_S = 180


def helix_step() -> tuple[str, str | None]:
    name = "helix: editors/helix/languages.toml adds specls beside the default servers, .specls.yaml a root"
    path = REPO / "editors" / "helix" / "languages.toml"
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        return name, f"{path} does not parse: {err}"
    server = config.get("language-server", {}).get("specls")
    if not server or server.get("command") != "specls":
        return name, f"[language-server.specls] command is {server and server.get('command')!r}"
    markdown = [lang for lang in config.get("language", []) if lang.get("name") == "markdown"]
    if len(markdown) != 1:
        return name, f"{len(markdown)} [[language]] entries named markdown"
    # Helix replaces its default lists with these: its own servers and root marker stay.
    servers = markdown[0].get("language-servers", [])
    if servers[:2] != ["marksman", "markdown-oxide"] or "specls" not in servers:
        return name, f"markdown language-servers are {servers!r}"
    roots = markdown[0].get("roots", [])
    if ".specls.yaml" not in roots or ".marksman.toml" not in roots:
        return name, f"markdown roots are {roots!r}"
    return name, None


def run_nvim(nvim: str, specls_dir: Path) -> tuple[list[tuple[str, str | None]], str]:
    """The steps of nvim_e2e.lua as (name, failure or None), and what else it printed."""
    return run_editor("nvim", specls_dir, lambda workspace: [
        nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
        "-l", str(HERE / "nvim_e2e.lua"), str(workspace), str(REPO / "editors" / "nvim"),
    ])


def run_emacs(emacs: str, specls_dir: Path) -> tuple[list[tuple[str, str | None]], str]:
    """The steps of emacs_e2e.el as (name, failure or None), and what else it printed."""
    return run_editor("emacs", specls_dir, lambda workspace: [
        emacs, "--batch", "-q", "-l", str(HERE / "emacs_e2e.el"), str(workspace),
    ])


def run_editor(editor: str, specls_dir: Path, command_for) -> tuple[list[tuple[str, str | None]], str]:
    """Runs `command_for(workspace)` on a scratch copy of the workspace and reads its
    `PASS name` and `FAIL name: why` lines; `editor: ...` lines are its own summary."""
    env = dict(os.environ)
    env["PATH"] = f"{specls_dir}{os.pathsep}{env.get('PATH', '')}"
    # The editor must read no user or system configuration and write no state outside the run.
    scratch = Path(tempfile.mkdtemp(prefix="specls-e2e-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(scratch / var.lower())
    env["HOME"] = str(scratch / "home")
    for var in ("VIMINIT", "NVIM_APPNAME", "EMACSLOADPATH"):
        env.pop(var, None)
    workspace = scratch / "workspace"
    shutil.copytree(HERE / "workspace", workspace)
    command = command_for(workspace)
    try:
        proc = subprocess.run(
            command, env=env, cwd=workspace, capture_output=True, text=True,
            timeout=EDITOR_TIMEOUT_S, stdin=subprocess.DEVNULL,
        )
        stdout, stderr, status = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as err:
        stdout = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        stderr = err.stderr.decode() if isinstance(err.stderr, bytes) else (err.stderr or "")
        status = f"killed after {EDITOR_TIMEOUT_S} s"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    steps: list[tuple[str, str | None]] = []
    other: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("PASS "):
            steps.append((line[5:], None))
        elif line.startswith("FAIL "):
            name, _, why = line[5:].partition(": ")
            steps.append((name, why or "failed"))
        elif not line.startswith(f"{editor}: "):  # its own summary; this script sums up below
            other.append(line)
    if not steps or status not in (0, sum(1 for _, why in steps if why)):
        # The editor died or stopped early: that is a failure of its own, whatever was printed.
        steps.append((f"{editor}: the test script ran to its end", f"exit status {status}"))
    other.extend(stderr.splitlines())
    return steps, "\n".join(line for line in other if line.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nvim", required=True, help="the Neovim binary")
    parser.add_argument("--emacs", help="the Emacs binary, with eglot and markdown-mode installed")
    parser.add_argument("--specls-dir", required=True, type=Path, help="folder of the specls binary")
    args = parser.parse_args()
    specls_dir = args.specls_dir.resolve()
    if not (specls_dir / "specls").is_file():
        print(f"e2e: no specls binary in {specls_dir}; run `cargo build -p specls` first", file=sys.stderr)
        return 2
    version = subprocess.run([args.nvim, "--version"], capture_output=True, text=True).stdout
    print(f"e2e: {version.splitlines()[0] if version else 'nvim did not print its version'}")

    steps, other = run_nvim(args.nvim, specls_dir)
    if args.emacs:
        emacs_steps, emacs_other = run_emacs(args.emacs, specls_dir)
        steps.extend(emacs_steps)
        other = "\n".join(part for part in (other, emacs_other) if part)
    steps.append(helix_step())

    xfail = [p.strip() for p in os.environ.get("SPECLS_E2E_XFAIL", "").split(",") if p.strip()]
    passed = failed = expected = 0
    for name, why in steps:
        waived = any(name.startswith(prefix) for prefix in xfail)
        if why is None:
            passed += 1
            print(f"XPASS {name} (remove it from SPECLS_E2E_XFAIL)" if waived else f"PASS  {name}")
        elif waived:
            expected += 1
            print(f"XFAIL {name}: {why}")
        else:
            failed += 1
            print(f"FAIL  {name}: {why}")
    if failed and other:
        print("--- the editors also printed:\n" + other)
    summary = f"e2e: {passed} passed, {failed} failed"
    print(summary + (f", {expected} skipped" if expected else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
