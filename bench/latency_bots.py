"""The three bots `bench/matrix_latency.py` measures, each run as its own process.

- ``Relais``: the real bot (``python -m bot run``), with a config as the demo writes it;
- ``echo``: an echo bot on Relais' own ``Transport`` (login, E2EE, sync loop, sending),
  answering ``echo: <text>`` at once: Relais/echo is what the engine, SQLite and the outbox cost;
- ``nio``: a bare matrix-nio ``AsyncClient`` echo bot (nio's own ``sync_forever`` and event
  callbacks, nothing of Relais): the floor of the stack. Relais/nio is what Relais costs in all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "relais-bench-password"


@dataclass(frozen=True)
class Bot:
    name: str
    user: str
    cmd: list[str]
    log: Path


def relais_config(data: Path, homeserver: str, user_id: str, room: str,
                  database: Path | None = None) -> Path:
    """A config for ``python -m bot run``, as the demo writes it."""
    config = data / "config.yaml"
    config.write_text(
        "matrix:\n"
        f"  homeserver: {homeserver}\n"
        f"  user_id: \"{user_id}\"\n"
        f"  password: {PASSWORD}\n"
        f"  store_path: {data / 'bot-store'}\n"
        "mediators:\n"
        f"  room: \"{room}\"\n"
        "dialogues:\n"
        f"  path: {ROOT / 'dialogues'}\n"
        "locales:\n"
        f"  path: {ROOT / 'locales'}\n"
        "storage:\n"
        f"  database: {database or data / 'relais.sqlite3'}\n"
        "privacy:\n"
        "  organisation: le banc d'essai Relais\n"
        "  contact: personne (bench)\n",
        encoding="utf-8",
    )
    return config


def bots(homeserver: str, data: Path, room: str, users: dict[str, str]) -> list[Bot]:
    """Relais, the Transport echo and the bare nio echo, each with its own account."""
    for name in ("relais", "echo", "nio"):
        (data / name).mkdir()
    config = relais_config(data / "relais", homeserver, users["relais"], room)
    me = str(Path(__file__).resolve())
    made = [Bot("Relais", users["relais"],
                [sys.executable, "-m", "bot", "run", "--config", str(config)],
                data / "relais" / "bot.log")]
    for name, flag in (("echo", "--echo-bot"), ("nio", "--nio-echo-bot")):
        path = data / name / "config.json"
        path.write_text(json.dumps({
            "homeserver": homeserver, "user_id": users[name], "password": PASSWORD,
            "store_path": str(data / name / "store"), "room": room}))
        made.append(Bot(name, users[name], [sys.executable, me, flag, str(path)],
                        data / name / "bot.log"))
    return made


@dataclass
class MemoryTokens:
    """The echo bot keeps its sync token in memory: every start is a first start."""

    token: str | None = None

    async def load_token(self) -> str | None:
        return self.token

    async def save_token(self, token: str) -> None:
        self.token = token


async def echo_bot(config_path: Path) -> int:
    """The same Transport as Relais, answering each text at once, no engine, no SQL.

    Replies are sent in their own tasks, like Relais' outbox does per room, so the baseline
    is not slowed by answering a sync batch's messages one after another.
    """
    from bot.matrix.transport import Incoming, RoomPolicy, Transport

    cfg = json.loads(config_path.read_text())
    transport = Transport(cfg["homeserver"], cfg["user_id"], cfg["password"], None, "Echo",
                          cfg["store_path"], RoomPolicy(cfg["room"]), MemoryTokens())
    await transport.start()
    sending: set[asyncio.Task[str]] = set()

    async def on_event(ev: Incoming) -> None:
        if ev.kind != "text" or ev.sender == transport.user_id:
            return
        if ev.room_id == transport.mediators_room_id:
            return
        content = {"msgtype": "m.notice", "body": "echo: " + ev.body}
        task = asyncio.create_task(transport.send(ev.room_id, content, uuid.uuid4().hex))
        sending.add(task)
        task.add_done_callback(sending.discard)

    async def on_left(room_id: str) -> None:
        return None

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(transport.stop()))
    print("echo bot running", flush=True)
    await transport.run(on_event, on_left)
    return 0


async def nio_echo_bot(config_path: Path) -> int:
    """The floor: matrix-nio alone (its sync loop, its callbacks), answering each text at once."""
    from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, RoomMessageText

    cfg = json.loads(config_path.read_text())
    Path(cfg["store_path"]).mkdir(parents=True, exist_ok=True)
    client = AsyncClient(cfg["homeserver"], cfg["user_id"], store_path=cfg["store_path"],
                         config=AsyncClientConfig(encryption_enabled=True,
                                                  store_sync_tokens=False))
    await client.login(cfg["password"], device_name="nio echo")
    started = asyncio.Event()
    sending: set[asyncio.Task[Any]] = set()

    async def on_invite(room: Any, event: Any) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def send(room_id: str, content: dict[str, Any]) -> None:
        # retried like Relais' outbox retries (nio alone gives up on a first failure, e.g.
        # while a new room's members' keys are still being queried)
        for attempt in range(20):
            try:
                await client.room_send(room_id, "m.room.message", content,
                                       ignore_unverified_devices=True)
                return
            except Exception:
                await asyncio.sleep(min(5.0, 0.5 * (attempt + 1)))

    async def on_text(room: Any, event: Any) -> None:
        if not started.is_set() or event.sender == client.user_id:
            return
        content = {"msgtype": "m.notice", "body": "echo: " + event.body}
        task = asyncio.create_task(send(room.room_id, content))
        sending.add(task)
        task.add_done_callback(sending.discard)

    async def first_sync(_: Any) -> None:
        started.set()

    client.add_event_callback(on_invite, InviteMemberEvent)  # type: ignore[arg-type]
    client.add_event_callback(on_text, RoomMessageText)  # type: ignore[arg-type]
    client.add_response_callback(first_sync)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("nio echo bot running", flush=True)
    syncing = asyncio.create_task(client.sync_forever(timeout=30_000, full_state=True))
    await stop.wait()
    syncing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await syncing
    await client.close()
    return 0


def main() -> int:
    flag, path = sys.argv[1], Path(sys.argv[2])
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("nio").setLevel(logging.ERROR)
    sys.path.insert(0, str(ROOT))
    return asyncio.run(echo_bot(path) if flag == "--echo-bot" else nio_echo_bot(path))


if __name__ == "__main__":
    sys.exit(main())
