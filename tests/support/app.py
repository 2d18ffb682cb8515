"""Helpers for tests of the whole app on Synapse: config, the bot as a process, replies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from nio import MegolmEvent

from tests.support.matrix import PASSWORD, REPO, Person, wait_until


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
