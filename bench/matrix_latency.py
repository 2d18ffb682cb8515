#!/usr/bin/env python3
"""End-to-end latency over real encrypted Matrix: prints figures, asserts nothing.

A local Synapse on loopback, N person accounts (E2EE, one DM each with the bot) sending their
messages one after another, all persons at once. Measured: the time from sending a message to
receiving the bot's first reply, as seen by the person's client.

Three bots, one after another against the same persons, in the same benchmark run:

- ``Relais``: the real bot (``python -m bot run``);
- ``echo``: an echo bot built on Relais' own ``Transport`` (login, E2EE, sync loop, sending)
  answering ``echo: <text>`` at once: Relais/echo is what the dialogue engine, the SQLite
  transaction and the outbox cost;
- ``nio``: a bare matrix-nio ``AsyncClient`` echo bot (nio's own ``sync_forever`` and event
  callbacks, nothing of Relais): the floor of the stack. Relais/nio is what Relais costs in all.

Besides latency, each bot's own CPU time (user + system, read from /proc) is divided by the
replies it gave: the cost per handled message, which load on the persons' side does not blur.
With many persons, ``--workers N`` spreads them over N processes and ``--pace S`` makes each
person wait S seconds between messages (a paced load instead of everyone at full speed).

    python bench/matrix_latency.py [--people 50] [--messages 5] [--workers 1] [--pace 0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
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

from devtools.demo import http_json as http  # noqa: E402
from devtools.demo import synapse_module  # noqa: E402
from devtools.person import PersonClient  # noqa: E402

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

    async def on_text(room: Any, event: Any) -> None:
        if not started.is_set() or event.sender == client.user_id:
            return
        content = {"msgtype": "m.notice", "body": "echo: " + event.body}
        task = asyncio.create_task(client.room_send(room.room_id, "m.room.message", content,
                                                    ignore_unverified_devices=True))
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


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


async def open_dms(people: Sequence[PersonClient], bot: str) -> list[str]:
    """Every person opens a DM with `bot` (leftovers of an earlier bot are dropped)."""
    rooms = await asyncio.gather(*(p.open_dm(bot, timeout=240) for p in people))
    for person in people:
        while not person.replies.empty():
            person.replies.get_nowait()
    return list(rooms)


async def talk(people: Sequence[PersonClient], rooms: Sequence[str], messages: int,
               pace: float = 0.0, offset: int = 0) -> Result:
    """All persons talk at once, one message at a time (waiting `pace` s between messages)."""
    loop = asyncio.get_running_loop()

    async def one(i: int, person: PersonClient, room: str) -> tuple[list[float], int]:
        times: list[float] = []
        missing = 0
        if pace:
            await asyncio.sleep(pace * (i % 97) / 97)  # spread the persons over one pace
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
            if pace:
                await asyncio.sleep(max(0.0, pace - (loop.time() - sent)))
        return times, missing

    start = time.monotonic()
    pairs = enumerate(zip(people, rooms, strict=True), start=offset)
    done = await asyncio.gather(*(one(i, p, r) for i, (p, r) in pairs))
    wall = time.monotonic() - start
    flat = tuple(t for times, _ in done for t in times)
    first = tuple(times[0] for times, _ in done if times)
    return Result(flat, first, sum(m for _, m in done), wall)


async def converse(people: Sequence[PersonClient], bot: str, messages: int) -> Result:
    """Every person opens a DM with `bot`, then all talk at once, one message at a time."""
    return await talk(people, await open_dms(people, bot), messages)


def merge(results: Sequence[Result]) -> Result:
    return Result(tuple(t for r in results for t in r.latencies_ms),
                  tuple(t for r in results for t in r.first_ms),
                  sum(r.missing for r in results), max((r.wall_s for r in results), default=0))


# --------------------------------------------------------------------------- workers


class Crowd:
    """The persons, in this process or spread over worker processes (same two phases)."""

    async def open(self, bot: str) -> None:
        raise NotImplementedError

    async def talk(self, messages: int, pace: float) -> Result:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class LocalCrowd(Crowd):
    def __init__(self, people: list[PersonClient]) -> None:
        self.people = people
        self.rooms: list[str] = []

    async def open(self, bot: str) -> None:
        self.rooms = await open_dms(self.people, bot)

    async def talk(self, messages: int, pace: float) -> Result:
        return await talk(self.people, self.rooms, messages, pace)

    async def close(self) -> None:
        for person in self.people:
            with contextlib.suppress(Exception):
                await person.close()


class WorkerCrowd(Crowd):
    """`--worker` processes, one line of JSON per command and per answer on stdin/stdout."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs

    @classmethod
    async def start(cls, homeserver: str, users: Sequence[str], stores: Path,
                    workers: int) -> WorkerCrowd:
        procs = []
        for w in range(workers):
            mine = list(users[w::workers])
            spec = json.dumps({"homeserver": homeserver, "users": mine, "offset": w,
                               "stores": str(stores / f"w{w}")})
            procs.append(await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).resolve()), "--worker", spec,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT))
        crowd = cls(procs)
        await crowd._all("ready")
        return crowd

    async def _ask(self, proc: asyncio.subprocess.Process, command: dict[str, Any]) -> Any:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((json.dumps(command) + "\n").encode())
        await proc.stdin.drain()
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("a bench worker died")
        return json.loads(line)

    async def _all(self, what: str, **kw: Any) -> list[Any]:
        return list(await asyncio.gather(*(self._ask(p, {"do": what, **kw})
                                           for p in self.procs)))

    async def open(self, bot: str) -> None:
        await self._all("open", bot=bot)

    async def talk(self, messages: int, pace: float) -> Result:
        answers = await self._all("talk", messages=messages, pace=pace)
        return merge([Result(tuple(a["latencies"]), tuple(a["first"]), a["missing"], a["wall"])
                      for a in answers])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._all("quit")
        for proc in self.procs:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), timeout=30)


async def worker(spec_json: str) -> int:
    """One worker process: log its persons in, then obey open/talk/quit lines on stdin."""
    spec = json.loads(spec_json)
    people = await login_people(spec["homeserver"], spec["users"], Path(spec["stores"]))
    crowd = LocalCrowd(people)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def answer(value: Any) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    answer("ready")  # the first "ready" command is answered by this line
    await reader.readline()
    while line := await reader.readline():
        command = json.loads(line)
        if command["do"] == "open":
            await crowd.open(command["bot"])
            answer("opened")
        elif command["do"] == "talk":
            r = await talk(crowd.people, crowd.rooms, command["messages"], command["pace"],
                           offset=spec["offset"])
            answer({"latencies": r.latencies_ms, "first": r.first_ms, "missing": r.missing,
                    "wall": r.wall_s})
        else:
            answer("bye")
            break
    await crowd.close()
    return 0


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, r: Result, cpu: float) -> None:
    rest = list(r.latencies_ms)
    for f in r.first_ms:
        rest.remove(f)
    print(f"{name:<7} replies {len(r.latencies_ms):>4}  missing {r.missing:>3}  "
          f"median {statistics.median(r.latencies_ms) if r.latencies_ms else float('nan'):7.0f} ms"
          f"  p95 {pct(r.latencies_ms, 0.95):7.0f} ms  "
          f"(first message median {statistics.median(r.first_ms) if r.first_ms else 0:.0f} ms, "
          f"later ones {statistics.median(rest) if rest else 0:.0f} ms)  wall {r.wall_s:.1f} s"
          f"  bot CPU {1000 * cpu / max(1, len(r.latencies_ms)):.1f} ms/reply",
          flush=True)


# --------------------------------------------------------------------------- main


@dataclass(frozen=True)
class Bot:
    name: str
    user: str
    cmd: list[str]
    log: Path


def bots(server: Any, data: Path, room: str, users: dict[str, str]) -> list[Bot]:
    """Relais, the Transport echo and the bare nio echo, each with its own account."""
    for name in ("relais", "echo", "nio"):
        (data / name).mkdir()
    config_a = relais_config(data / "relais", server.base_url, users["relais"], room)
    me = str(Path(__file__).resolve())
    made = [Bot("Relais", users["relais"],
                [sys.executable, "-m", "bot", "run", "--config", str(config_a)],
                data / "relais" / "bot.log")]
    for name, flag in (("echo", "--echo-bot"), ("nio", "--nio-echo-bot")):
        config = data / name / "config.json"
        config.write_text(json.dumps({
            "homeserver": server.base_url, "user_id": users[name], "password": PASSWORD,
            "store_path": str(data / name / "store"), "room": room}))
        made.append(Bot(name, users[name], [sys.executable, me, flag, str(config)],
                        data / name / "bot.log"))
    return made


async def measure(crowd: Crowd, bot: Bot, args: argparse.Namespace) -> tuple[Result, float]:
    """(latencies, the bot's CPU seconds while the persons talked)."""
    print(f"run {bot.name}: {args.people} persons x {args.messages} messages…", flush=True)
    proc = spawn(bot.cmd, bot.log)
    try:
        await crowd.open(bot.user)
        cpu0 = cpu_seconds(proc.pid)
        result = await crowd.talk(args.messages, args.pace)
        cpu = cpu_seconds(proc.pid) - cpu0
    finally:
        terminate(proc)
    if proc.returncode not in (0, -signal.SIGTERM):
        tail = bot.log.read_text(errors="replace")[-1500:]
        print(f"{bot.name} exited with {proc.returncode}:\n{tail}", file=sys.stderr)
    return result, cpu


async def bench(args: argparse.Namespace, data: Path) -> int:
    synapse = synapse_module()
    t0 = time.monotonic()
    print("starting Synapse…", flush=True)
    server = synapse.start(data / "synapse")
    results: dict[str, tuple[Result, float]] = {}
    try:
        users = {name: server.register(name, PASSWORD) for name in ("relais", "echo", "nio")}
        people_users = [server.register(f"personne{i}", PASSWORD) for i in range(args.people)]
        room = mediators_room(server, [users["relais"], users["echo"]])
        print(f"{args.people} persons logging in (E2EE, {max(1, args.workers)} process(es))…",
              flush=True)
        crowd: Crowd
        if args.workers > 1:
            crowd = await WorkerCrowd.start(server.base_url, people_users, data / "people",
                                            args.workers)
        else:
            crowd = LocalCrowd(await login_people(server.base_url, people_users,
                                                  data / "people"))
        try:
            for bot in bots(server, data, room, users):
                results[bot.name] = await measure(crowd, bot, args)
        finally:
            await crowd.close()
    finally:
        server.stop()
    print(f"\nEnd-to-end latency over encrypted Matrix, {args.people} persons at once, "
          f"{args.messages} messages each (send -> first reply)"
          + (f", paced every {args.pace:g} s" if args.pace else "")
          + (f", persons in {args.workers} processes" if args.workers > 1 else "") + ":")
    for name, (result, cpu) in results.items():
        report(name, result, cpu)
    a = results["Relais"][0].latencies_ms
    for base in ("nio", "echo"):
        b = results[base][0].latencies_ms
        if a and b:
            print(f"ratio Relais/{base}: median {statistics.median(a) / statistics.median(b):.2f}"
                  f", p95 {pct(a, 0.95) / pct(b, 0.95):.2f}")
    print(f"total benchmark time {time.monotonic() - t0:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--data", type=Path, default=None,
                        help="working directory (default: a temporary one, removed after)")
    parser.add_argument("--workers", type=int, default=1,
                        help="spread the persons over this many processes")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds between two messages of one person (0: at once)")
    parser.add_argument("--echo-bot", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--nio-echo-bot", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.echo_bot is not None:
        logging.basicConfig(level=logging.WARNING)
        return asyncio.run(echo_bot(args.echo_bot))
    if args.nio_echo_bot is not None:
        logging.basicConfig(level=logging.WARNING)
        logging.getLogger("nio").setLevel(logging.ERROR)
        return asyncio.run(nio_echo_bot(args.nio_echo_bot))
    if args.worker is not None:
        return asyncio.run(worker(args.worker))
    if args.data is not None:
        args.data.mkdir(parents=True, exist_ok=False)
        return asyncio.run(bench(args, args.data.resolve()))
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
