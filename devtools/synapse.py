#!/usr/bin/env python3
"""A throw-away Synapse homeserver on loopback, for tests and the demo.

Importable (`from devtools import synapse`: tests, benchmarks, the demo) and usable as a CLI
(through scripts/synapse.py):

    python scripts/synapse.py start --data DIR [--port N]   # background, prints the URL
    python scripts/synapse.py run --data DIR [--port N]     # foreground until Ctrl-C
    python scripts/synapse.py stop --data DIR
    python scripts/synapse.py register --data DIR USER PASSWORD [--admin]

Synapse lives in its own virtualenv (`.cache/synapse-venv` at the repository root) so that its
many pinned dependencies never mix with the bot's. `RELAIS_SYNAPSE_PYTHON` may name an existing
interpreter that already has Synapse, to skip the install.

Only the Python standard library is used here, plus `signedjson` when available (for the
server's signing key; Synapse generates it itself otherwise).
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO_ROOT / ".cache"
VENV_NAME = "synapse-venv"
SERVER_NAME = "localhost"

# Every client-side rate limit very high: tests create users, rooms and messages in bursts.
_FAST = {"per_second": 10000, "burst_count": 100000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _FAST,
    "rc_registration": _FAST,
    "rc_registration_token_validity": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
    "rc_admin_redaction": _FAST,
    "rc_joins": {"local": _FAST, "remote": _FAST},
    "rc_joins_per_room": _FAST,
    "rc_3pid_validation": _FAST,
    "rc_invites": {"per_room": _FAST, "per_user": _FAST, "per_issuer": _FAST},
    "rc_third_party_invite": _FAST,
    "rc_media_create": _FAST,
    "rc_key_requests": _FAST,
    "rc_presence": {"per_user": _FAST},
    "rc_delayed_event_mgmt": _FAST,
    "rc_room_creation": _FAST,
    "rc_reports": _FAST,
}


class SynapseError(RuntimeError):
    """Synapse could not be installed, started or asked something."""


def _log(msg: str) -> None:
    print(f"[synapse] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- install


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has_synapse(python: Path | str) -> bool:
    try:
        r = subprocess.run(
            [str(python), "-c", "import synapse.app.homeserver"],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def ensure_installed(cache_dir: Path | str | None = None) -> Path:
    """Return a Python interpreter that can run Synapse, installing it on first use.

    Idempotent: when the virtualenv already imports Synapse this costs one subprocess.
    """
    override = os.environ.get("RELAIS_SYNAPSE_PYTHON")
    if override:
        if not _has_synapse(override):
            raise SynapseError(f"RELAIS_SYNAPSE_PYTHON={override} cannot import synapse")
        return Path(override)
    cache = Path(cache_dir) if cache_dir else DEFAULT_CACHE
    venv = cache / VENV_NAME
    python = _venv_python(venv)
    if python.exists() and _has_synapse(python):
        return python
    _log(f"installing matrix-synapse into {venv} (first run only, takes a minute or two)")
    cache.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=False)
    r = subprocess.run([*pip, "matrix-synapse"], check=False)
    if r.returncode != 0 or not _has_synapse(python):
        raise SynapseError("pip install matrix-synapse failed (see output above)")
    return python


# --------------------------------------------------------------------------- config


def free_port() -> int:
    """A TCP port free on loopback right now (the usual small race is acceptable in tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_signing_key(path: Path) -> bool:
    try:
        from signedjson.key import generate_signing_key, write_signing_keys
    except ImportError:
        return False
    with path.open("w") as f:
        write_signing_keys(f, [generate_signing_key("a_" + secrets.token_hex(2))])
    return True


def _state_file(data_dir: Path) -> Path:
    return data_dir / "relais-synapse.json"


def write_config(data_dir: Path, port: int, server_name: str = SERVER_NAME) -> dict[str, Any]:
    """Write homeserver.yaml (JSON is valid YAML) and return the state kept beside it.

    Secrets are generated once and kept, so a restart on the same data dir finds the same
    accounts, tokens and media.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    state_path = _state_file(data_dir)
    state: dict[str, Any] = {}
    if state_path.exists():
        state = json.loads(state_path.read_text())
    state.setdefault("registration_shared_secret", secrets.token_hex(32))
    state.setdefault("macaroon_secret_key", secrets.token_hex(32))
    state.setdefault("form_secret", secrets.token_hex(32))
    state.setdefault("server_name", server_name)
    state["port"] = port
    state["base_url"] = f"http://127.0.0.1:{port}"

    key_path = data_dir / "signing.key"
    generate_keys = False
    if not key_path.exists() and not _write_signing_key(key_path):
        generate_keys = True
    state["generate_keys"] = generate_keys

    log_config = data_dir / "log.config"
    log_config.write_text(
        json.dumps(
            {
                "version": 1,
                "formatters": {"p": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
                "handlers": {
                    "file": {
                        "class": "logging.FileHandler",
                        "formatter": "p",
                        "filename": str(data_dir / "homeserver.log"),
                    }
                },
                "root": {"level": "WARNING", "handlers": ["file"]},
                "disable_existing_loggers": False,
            }
        )
    )
    config: dict[str, Any] = {
        "server_name": state["server_name"],
        "public_baseurl": state["base_url"] + "/",
        "pid_file": str(data_dir / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(data_dir / "homeserver.db")}},
        "log_config": str(log_config),
        "media_store_path": str(data_dir / "media_store"),
        "signing_key_path": str(key_path),
        "registration_shared_secret": state["registration_shared_secret"],
        "macaroon_secret_key": state["macaroon_secret_key"],
        "form_secret": state["form_secret"],
        "report_stats": False,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "allow_public_rooms_over_federation": False,
        "enable_metrics": False,
        "url_preview_enabled": False,
        "presence": {"enabled": False},
        "user_directory": {"enabled": True, "search_all_users": True},
        **RATE_LIMITS,
    }
    (data_dir / "homeserver.yaml").write_text(json.dumps(config, indent=2))
    state_path.write_text(json.dumps(state, indent=2))
    state_path.chmod(0o600)
    return state


# --------------------------------------------------------------------------- server


def _http_json(
    method: str, url: str, body: dict[str, Any] | None = None, timeout: float = 10
) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            result: dict[str, Any] = json.loads(resp.read() or b"{}")
            return result
    except urllib.error.HTTPError as e:
        raise SynapseError(f"{method} {url} -> {e.code}: {e.read()[:300]!r}") from e


@dataclass
class SynapseServer:
    """One Synapse process bound to a data directory and a loopback port."""

    data_dir: Path
    port: int
    python: Path
    process: subprocess.Popen[bytes] | None = None
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_name(self) -> str:
        return str(self.state.get("server_name", SERVER_NAME))

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    def start(self, timeout: float = 120) -> None:
        """Start (or restart) the process and wait until the client API answers."""
        if self.process is not None and self.process.poll() is None:
            return
        self.state = write_config(self.data_dir, self.port)
        cmd = [
            str(self.python),
            "-m",
            "synapse.app.homeserver",
            "--config-path",
            str(self.data_dir / "homeserver.yaml"),
        ]
        if self.state.get("generate_keys"):
            cmd.append("--generate-missing-configs")
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            cmd.pop()
        out = (self.data_dir / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True
        )
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = (self.data_dir / "stdout.log").read_text(errors="replace")[-3000:]
                raise SynapseError(f"Synapse exited with {self.process.returncode}:\n{tail}")
            try:
                _http_json("GET", self.base_url + "/_matrix/client/versions", timeout=2)
                self.state["pid"] = self.process.pid
                _state_file(self.data_dir).write_text(json.dumps(self.state, indent=2))
                return
            except (OSError, SynapseError):
                time.sleep(0.2)
        self.stop()
        raise SynapseError(f"Synapse did not answer on {self.base_url} within {timeout}s")

    def stop(self, timeout: float = 30) -> None:
        """Stop the process (SIGTERM, then SIGKILL); the data dir stays for a restart."""
        proc = self.process
        self.process = None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def register(self, user: str, password: str, admin: bool = False) -> str:
        """Create an account through the shared-secret admin API; returns the user id."""
        url = self.base_url + "/_synapse/admin/v1/register"
        nonce = _http_json("GET", url)["nonce"]
        secret = str(self.state["registration_shared_secret"]).encode()
        mac = hmac.new(secret, digestmod=hashlib.sha1)
        parts = (nonce, user, password, "admin" if admin else "notadmin")
        mac.update(b"\x00".join(part.encode() for part in parts))
        body = {
            "nonce": nonce,
            "username": user,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        result = _http_json("POST", url, body)
        token = result.get("access_token")
        if token:  # the admin API logs in; drop that device so the account starts clean
            req = urllib.request.Request(
                self.base_url + "/_matrix/client/v3/logout", data=b"{}", method="POST"
            )
            req.add_header("Authorization", f"Bearer {token}")
            req.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(req, timeout=10):
                pass
        return str(result["user_id"])


_current: SynapseServer | None = None


def start(
    data_dir: Path | str, port: int | None = None, cache_dir: Path | str | None = None
) -> SynapseServer:
    """Install if needed, then start Synapse on `data_dir`; the server becomes the default."""
    global _current
    python = ensure_installed(cache_dir)
    data = Path(data_dir).resolve()
    if port is None:
        state_path = _state_file(data)
        old = json.loads(state_path.read_text()).get("port") if state_path.exists() else None
        port = int(old) if old else free_port()
    server = SynapseServer(data_dir=data, port=port, python=python)
    server.start()
    atexit.register(server.stop)  # never leave an orphan Synapse behind a crashed test run
    _current = server
    return server


def stop() -> None:
    """Stop the default server started by `start`."""
    if _current is not None:
        _current.stop()


def register(user: str, password: str, admin: bool = False) -> str:
    """Register on the default server started by `start`."""
    if _current is None:
        raise SynapseError("no Synapse started in this process")
    return _current.register(user, password, admin)


# --------------------------------------------------------------------------- CLI


def _stop_from_state(data_dir: Path) -> bool:
    state_path = _state_file(data_dir)
    if not state_path.exists():
        return False
    pid = json.loads(state_path.read_text()).get("pid")
    if not pid:
        return False
    try:
        os.kill(int(pid), signal.SIGTERM)
    except ProcessLookupError:
        return False
    for _ in range(150):
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    os.kill(int(pid), signal.SIGKILL)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("start", "run", "stop", "register", "install"):
        p = sub.add_parser(name)
        if name != "install":
            p.add_argument("--data", required=True, type=Path, help="data directory")
        if name in ("start", "run"):
            p.add_argument("--port", type=int, default=None)
        if name == "register":
            p.add_argument("user")
            p.add_argument("password")
            p.add_argument("--admin", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "install":
            print(ensure_installed())
        elif args.cmd in ("start", "run"):
            server = start(args.data, args.port)
            if args.cmd == "start":
                atexit.unregister(server.stop)  # keeps running in the background
            print(server.base_url, flush=True)
            if args.cmd == "run":
                try:
                    assert server.process is not None
                    server.process.wait()
                except KeyboardInterrupt:
                    server.stop()
        elif args.cmd == "stop":
            if not _stop_from_state(args.data.resolve()):
                print("not running", file=sys.stderr)
        elif args.cmd == "register":
            data = args.data.resolve()
            state = json.loads(_state_file(data).read_text())
            server = SynapseServer(
                data_dir=data, port=int(state["port"]), python=Path(sys.executable), state=state
            )
            print(server.register(args.user, args.password, args.admin))
    except SynapseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
