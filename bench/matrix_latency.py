#!/usr/bin/env python3
"""End-to-end latency over real encrypted Matrix: prints figures, asserts nothing.

A local Synapse on loopback, N person accounts (E2EE, one DM each with the bot) sending their
messages one after another, all persons at once. Measured: the time from sending a message to
receiving the bot's first reply, as seen by the person's client.

Run A: the real Relais (``python -m bot run``). Run B, the baseline, in the same benchmark run:
a bare echo bot built on the same ``Transport`` (login, E2EE, sync loop, sending) that answers
``echo: <text>`` at once. The ratio A/B is what Relais' own work (dialogue engine, SQLite
transaction, outbox) costs on top of the Matrix round trip.

    python bench/matrix_latency.py [--people 50] [--messages 5] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo import http_json as http  # noqa: E402
from bot.demo import synapse_module  # noqa: E402
from bot.matrix.person import PersonClient  # noqa: E402

PASSWORD = "relais-bench-password"
#: Texts Relais answers in any state (menu choices, help, back to the menu).
TEXTS = ("menu", "1", "aide", "menu", "2", "retour", "menu", "3")
REPLY_TIMEOUT_S = 60.0
#: A reply may be several messages (welcome + menu): the rest of it is drained until this
#: much silence, so that it is never taken for the answer to the next message.
QUIET_S = 1.0


# --------------------------------------------------------------------------- homeserver


def mediators_room(server: Any, bots: Sequence[str]) -> str:
    """The mediators' room every bot needs, created by a mediator who invites the bots."""
    server.register("mediatrice", PASSWORD)
    login = http("POST", server.base_url + "/_matrix/client/v3/login", {
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "mediatrice"},
        "password": PASSWORD})
    room = http("POST", server.base_url + "/_matrix/client/v3/createRoom", {
        "name": "Médiateurs (bench)", "preset": "private_chat", "invite": list(bots)},
        token=login["access_token"])
    return str(room["room_id"])


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


def spawn(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------- echo bot


@dataclass
class MemoryTokens:
    """The echo bot keeps its sync token in memory: every start is a first start."""

    token: str | None = None

    async def load_token(self) -> str | None:
        return self.token

    async def save_token(self, token: str) -> None:
        self.token = token


async def echo_bot(config_path: Path) -> int:
    """The baseline: the same Transport, answering each text at once, no engine, no SQL.

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


# --------------------------------------------------------------------------- persons


async def login_people(homeserver: str, users: Sequence[str], stores: Path) -> list[PersonClient]:
    logging.getLogger("nio").setLevel(logging.ERROR)  # "Missing session" while keys travel

    async def one(i: int, user: str) -> PersonClient:
        person = await PersonClient.login(homeserver, user, PASSWORD, stores / f"p{i}")
        await person.start()
        return person

    return list(await asyncio.gather(*(one(i, u) for i, u in enumerate(users))))


async def next_in_room(person: PersonClient, room: str, timeout: float) -> float | None:
    """Loop time of the next message in `room` (other rooms' late messages are skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        got = await person.next_reply(timeout=left)
        if got is None:
            return None
        if got[0] == room:
            return got[2]
    return None


@dataclass(frozen=True)
class Result:
    latencies_ms: tuple[float, ...]
    first_ms: tuple[float, ...]  # each person's first message (room keys are exchanged then)
    missing: int
    wall_s: float


async def converse(people: Sequence[PersonClient], bot: str, messages: int) -> Result:
    """Every person opens a DM with `bot`, then all talk at once, one message at a time."""
    rooms = await asyncio.gather(*(p.open_dm(bot, timeout=240) for p in people))
    for person in people:  # leftovers of an earlier run
        while not person.replies.empty():
            person.replies.get_nowait()
    loop = asyncio.get_running_loop()

    async def talk(i: int, person: PersonClient, room: str) -> tuple[list[float], int]:
        times: list[float] = []
        missing = 0
        for k in range(messages):
            sent = loop.time()
            await person.say(room, TEXTS[(i + k) % len(TEXTS)] if k else "menu")
            got = await next_in_room(person, room, REPLY_TIMEOUT_S)
            if got is None:
                missing += 1
                continue
            times.append((got - sent) * 1000)
            while await next_in_room(person, room, QUIET_S) is not None:
                pass
        return times, missing

    start = time.monotonic()
    pairs = enumerate(zip(people, rooms, strict=True))
    done = await asyncio.gather(*(talk(i, p, r) for i, (p, r) in pairs))
    wall = time.monotonic() - start
    flat = tuple(t for times, _ in done for t in times)
    first = tuple(times[0] for times, _ in done if times)
    return Result(flat, first, sum(m for _, m in done), wall)


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, r: Result) -> None:
    rest = list(r.latencies_ms)
    for f in r.first_ms:
        rest.remove(f)
    print(f"{name:<7} replies {len(r.latencies_ms):>4}  missing {r.missing:>3}  "
          f"median {statistics.median(r.latencies_ms) if r.latencies_ms else float('nan'):7.0f} ms"
          f"  p95 {pct(r.latencies_ms, 0.95):7.0f} ms  "
          f"(first message median {statistics.median(r.first_ms) if r.first_ms else 0:.0f} ms, "
          f"later ones {statistics.median(rest) if rest else 0:.0f} ms)  wall {r.wall_s:.1f} s",
          flush=True)


# --------------------------------------------------------------------------- main


async def bench(args: argparse.Namespace, data: Path) -> int:
    synapse = synapse_module()
    t0 = time.monotonic()
    print("starting Synapse…", flush=True)
    server = synapse.start(data / "synapse")
    try:
        relais_user = server.register("relais", PASSWORD)
        echo_user = server.register("echo", PASSWORD)
        people_users = [server.register(f"personne{i}", PASSWORD) for i in range(args.people)]
        room = mediators_room(server, [relais_user, echo_user])
        (data / "relais").mkdir()
        (data / "echo").mkdir()
        config_a = relais_config(data / "relais", server.base_url, relais_user, room)
        config_b = data / "echo" / "config.json"
        config_b.write_text(json.dumps({
            "homeserver": server.base_url, "user_id": echo_user, "password": PASSWORD,
            "store_path": str(data / "echo" / "store"), "room": room}))
        print(f"{args.people} persons logging in (E2EE)…", flush=True)
        people = await login_people(server.base_url, people_users, data / "people")
        try:
            results: dict[str, Result] = {}
            for name, bot_user, cmd, log in (
                ("Relais", relais_user,
                 [sys.executable, "-m", "bot", "run", "--config", str(config_a)],
                 data / "relais" / "bot.log"),
                ("echo", echo_user,
                 [sys.executable, str(Path(__file__).resolve()), "--echo-bot", str(config_b)],
                 data / "echo" / "bot.log"),
            ):
                print(f"run {name}: {args.people} persons x {args.messages} messages…",
                      flush=True)
                proc = spawn(cmd, log)
                try:
                    results[name] = await converse(people, bot_user, args.messages)
                finally:
                    terminate(proc)
                if proc.returncode not in (0, -signal.SIGTERM):
                    tail = log.read_text(errors="replace")[-1500:]
                    print(f"{name} exited with {proc.returncode}:\n{tail}", file=sys.stderr)
        finally:
            for person in people:
                with contextlib.suppress(Exception):
                    await person.close()
    finally:
        server.stop()
    print(f"\nEnd-to-end latency over encrypted Matrix, {args.people} persons at once, "
          f"{args.messages} messages each (send -> first reply):")
    for name, result in results.items():
        report(name, result)
    a, b = results["Relais"].latencies_ms, results["echo"].latencies_ms
    if a and b:
        print(f"ratio Relais/echo: median {statistics.median(a) / statistics.median(b):.2f}, "
              f"p95 {pct(a, 0.95) / pct(b, 0.95):.2f}")
    print(f"total benchmark time {time.monotonic() - t0:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--data", type=Path, default=None,
                        help="working directory (default: a temporary one, removed after)")
    parser.add_argument("--echo-bot", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.echo_bot is not None:
        logging.basicConfig(level=logging.WARNING)
        return asyncio.run(echo_bot(args.echo_bot))
    if args.data is not None:
        args.data.mkdir(parents=True, exist_ok=False)
        return asyncio.run(bench(args, args.data.resolve()))
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
