"""The whole app on a real Synapse: a person in an encrypted DM talks to Relais.

Assertions are on what Matrix clients receive. Helpers at the top are shared with
test_handover.py and test_resilience.py (imported as ``from test_app import ...``, the same way
tests import ``conftest``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from nio import MegolmEvent

from bot.app import App, StartupError
from bot.config import parse

pytestmark = pytest.mark.matrix


def _root_conftest() -> ModuleType:
    """tests/conftest.py by path: `from conftest import` may get tests/store/conftest.py."""
    path = Path(__file__).resolve().parent / "conftest.py"
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == str(path):
            return module
    spec = importlib.util.spec_from_file_location("relais_tests_root_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_conftest = _root_conftest()
PASSWORD: str = _conftest.PASSWORD
REPO: Path = _conftest.REPO
Person = _conftest.Person
wait_until = _conftest.wait_until


# --------------------------------------------------------------------------- helpers


def config_dict(
    tmp_path: Path, synapse: Any, bot_id: str, mediators_room: str, **sections: Any
) -> dict[str, Any]:
    """A complete config for a bot account on the test Synapse (sections override groups)."""
    data: dict[str, Any] = {
        "matrix": {
            "homeserver": synapse.base_url,
            "user_id": bot_id,
            "password": PASSWORD,
            "device_name": "Relais",
            "store_path": str(tmp_path / "bot-matrix"),
        },
        "mediators": {"room": mediators_room, "locale": "fr"},
        "dialogues": {"path": str(REPO / "dialogues")},
        "locales": {"path": str(REPO / "locales")},
        "storage": {"database": str(tmp_path / "relais.sqlite3")},
        "privacy": {"organisation": "Le centre social des Lilas", "contact": "01 23 45 67 89"},
        "logging": {"level": "INFO"},
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


class BotProcess:
    """`python -m bot run --config FILE` as a child process (kill -9, restart, SIGTERM)."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        out = self.log.open("ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        out.close()
        self.starts += 1

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def wait_running(self, timeout: float = 90) -> None:
        """Until this start logged 'Relais is running' (the sync loop starts right after)."""
        deadline = time.monotonic() + timeout
        while self.text().count("Relais is running") < self.starts:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.tail()}")
            assert time.monotonic() < deadline, f"the bot did not start:\n{self.tail()}"
            await asyncio.sleep(0.1)

    def tail(self, n: int = 4000) -> str:
        return self.text()[-n:]

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    async def terminate(self, timeout: float = 10) -> tuple[int | None, float]:
        """SIGTERM; returns (exit code or None if still running after timeout, seconds)."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        while self.proc.poll() is None and time.monotonic() - started < timeout:
            await asyncio.sleep(0.05)
        return self.proc.poll(), time.monotonic() - started

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def bot_process(tmp_path: Path) -> Any:
    """bot_process(config_dict) -> an unstarted BotProcess; killed at teardown."""
    made: list[BotProcess] = []

    def make(data: dict[str, Any], name: str = "bot") -> BotProcess:
        cfg = write_config(tmp_path / f"{name}.yaml", data)
        proc = BotProcess(cfg, tmp_path / f"{name}.log")
        made.append(proc)
        return proc

    yield make
    for proc in made:
        proc.cleanup()


@pytest.fixture
async def run_app() -> AsyncIterator[Callable[..., Any]]:
    """await run_app(config_dict, base) -> a started App (in this process), stopped at teardown."""
    running: list[tuple[App, asyncio.Task[None]]] = []

    async def start(data: dict[str, Any], base: Path) -> App:
        app = await App.create(parse(data, base))
        task = asyncio.create_task(app.run())
        running.append((app, task))
        # events sent during a very first sync are history (skipped on purpose): wait past it
        ready = asyncio.create_task(app.transport.ready.wait())
        await asyncio.wait({ready, task}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
        return app

    yield start
    for app, task in running:
        if not task.done():
            await app.stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=15)


def bot_messages(person: Person, room: str, bot: str) -> list[Any]:
    """Every message event from the bot in `room` that the person received (decrypted or not)."""
    return [
        e
        for r, e in person.events
        if r == room
        and e.sender == bot
        and (isinstance(e, MegolmEvent) or e.source.get("type") == "m.room.message")
    ]


async def say(person: Person, room: str, bot: str, text: str, timeout: float = 30) -> Any:
    """Send `text`; return the bot's first new message after it."""
    before = len(bot_messages(person, room, bot))
    await person.send_text(room, text)
    await wait_until(
        lambda: len(bot_messages(person, room, bot)) > before, timeout, f"a reply to {text!r}"
    )
    reply = bot_messages(person, room, bot)[before]
    assert not isinstance(reply, MegolmEvent), "the person could not decrypt the bot's reply"
    return reply


def assert_notice(event: Any) -> dict[str, Any]:
    content: dict[str, Any] = event.source["content"]
    assert content["msgtype"] == "m.notice", content
    assert content.get("format") == "org.matrix.custom.html", content
    assert content.get("formatted_body"), content
    assert "m.mentions" in content and not content["m.mentions"].get("room"), content
    return content


async def open_dm(person: Person, bot: str) -> str:
    room = await person.create_dm(bot)
    await person.wait_joined(room, bot, timeout=60)
    return room


# --------------------------------------------------------------------------- tests


async def test_conversation_in_encrypted_dm(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    await run_app(config_dict(tmp_path, synapse, bot, bot_account.mediators_room), tmp_path)
    person = await make_person("camille")
    room = await open_dm(person, bot)

    first = await say(person, room, bot, "bonjour")
    content = assert_notice(first)
    assert first.decrypted, "the reply in an encrypted DM must be encrypted"
    assert "Je suis un robot" in first.body
    assert "Le centre social des Lilas" in first.body  # who runs the service, at first contact
    assert "Pour quelle démarche" in first.body and "1. La Caf" in first.body
    assert "<p>" in content["formatted_body"]
    assert bot not in first.body and person.user_id not in first.body

    caf = await say(person, room, bot, "1")
    assert_notice(caf)
    assert "Caf" in caf.body and "Quel est votre problème" in caf.body
    assert "Je suis un robot" not in caf.body  # the welcome is said once

    answer = await say(person, room, bot, "jarrive pa a mactualiser sur pole emplois")
    assert_notice(answer)
    assert "actualiser" in answer.body.lower(), answer.body
    assert "francetravail.fr" in answer.body
    assert "Traceback" not in answer.body

    # exactly one reply per message, and nothing else from the bot
    await asyncio.sleep(2)
    assert len(bot_messages(person, room, bot)) == 3


async def test_app_create_refuses_a_missing_mediators_room(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("lonelybot")
    data = config_dict(tmp_path, synapse, bot, "!nosuchroom:localhost")
    with pytest.raises(StartupError) as err:
        await App.create(parse(data, tmp_path))
    message = str(err.value)
    assert "mediators.room" in message and "\n" not in message


def run_cli(config: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING) ")


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    # Log lines share stderr (INFO at start-up is fine); besides them, one sentence only.
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not LOG_LINE.match(line)]
    assert len(lines) == 1, result.stderr
    assert not re.search(r" (ERROR|CRITICAL) ", result.stderr), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_bad_config_files_exit_2_with_one_sentence(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("cfgbot")
    good = config_dict(tmp_path, synapse, bot, "!room:localhost")

    missing = run_cli(tmp_path / "nope.yaml")
    assert_one_sentence(missing, "nope.yaml")

    broken = tmp_path / "broken.yaml"
    broken.write_text("matrix:\n  homeserver: [unclosed\n", encoding="utf-8")
    assert_one_sentence(run_cli(broken), "YAML", "line")

    no_user = {**good, "matrix": {k: v for k, v in good["matrix"].items() if k != "user_id"}}
    assert_one_sentence(run_cli(write_config(tmp_path / "nouser.yaml", no_user)),
                        "matrix.user_id")

    placeholder = config_dict(tmp_path, synapse, bot, "#mediateurs:CHANGE_ME.org")
    assert_one_sentence(run_cli(write_config(tmp_path / "example.yaml", placeholder)),
                        "mediators.room")

    hours = config_dict(tmp_path, synapse, bot, "!room:localhost",
                        mediators={"room": "!room:localhost",
                                   "hours": {"weekly": {"mon": ["9h-midi"]}}})
    assert_one_sentence(run_cli(write_config(tmp_path / "hours.yaml", hours)), "mon")


def test_wrong_password_exits_2_with_one_sentence(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("pwbot")
    data = config_dict(tmp_path, synapse, bot, "!room:localhost",
                       matrix={"password": "not the password"})
    result = run_cli(write_config(tmp_path / "wrongpw.yaml", data))
    assert_one_sentence(result, "matrix.password")


async def test_process_log_has_no_ids_or_text(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    """The INFO log of `python -m bot run` names no person, room, device, nor what they wrote.

    A message sent before the bot's first start is the classic trigger: the bot cannot decrypt
    it (history) and nio complains about it, with user and device ids, unless kept quiet.
    """
    bot = bot_account.user_id
    proc = bot_process(config_dict(tmp_path, synapse, bot, bot_account.mediators_room))
    person = await make_person("zoe")
    room = await person.create_dm(bot)
    await person.send_text(room, "message secret avant le démarrage")
    proc.start()
    await proc.wait_running()
    await person.wait_joined(room, bot, timeout=60)
    await say(person, room, bot, "jarrive pa a mactualiser sur pole emplois")
    await say(person, room, bot, "quelqu'un")
    rc, _ = await proc.terminate()
    assert rc == 0
    log = proc.text()
    for secret in (person.user_id, person.user_id.split(":")[0], str(person.client.device_id),
                   room, bot_account.mediators_room, "secret", "mactualiser"):
        assert secret not in log, f"{secret!r} is in the bot's log:\n{log[-3000:]}"
