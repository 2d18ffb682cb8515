#!/usr/bin/env python3
"""End-to-end latency over real encrypted Matrix: prints figures, asserts nothing.

A local Synapse on loopback and N person accounts (E2EE, one DM each with the bot), spread
over worker processes (each with its own event loop and nio clients) so that the persons do
not starve the process that measures them. Three bots answer the same load, one after another,
in the same run (bench/latency_bots.py): Relais, an echo bot on Relais' ``Transport`` and a
bare matrix-nio ``AsyncClient`` echo bot.

Paced load: each person sends one message, waits for the reply, then thinks (a random time
around ``--think`` seconds) before the next. A warm-up message per person (room keys are
exchanged then) comes first and is left out of the figures. Measured: send -> first reply as
seen by the person's client (median, p90, p99), replies lost (no reply within 60 s), and the
bot's own CPU time (user + system, from /proc/<pid>/stat) per message of the measured phase.

    python bench/matrix_latency.py [--people 50] [--messages 5] [--think 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency_bots import PASSWORD, Bot, bots  # noqa: E402
from devtools.demo import http_json as http  # noqa: E402
from devtools.demo import synapse_module  # noqa: E402
from devtools.person import PersonClient  # noqa: E402

#: Texts Relais answers in any state (menu choices, help, back to the menu).
TEXTS = ("menu", "1", "aide", "menu", "2", "retour", "menu", "3")
REPLY_TIMEOUT_S = 60.0
WARM_TIMEOUT_S = 120.0
#: A reply may be several messages (welcome + menu): the rest of it is drained until this
#: much silence, so that it is never taken for the answer to the next message.
QUIET_S = 1.0


# --------------------------------------------------------------------------- persons


class BenchPerson(PersonClient):
    """The demo person, syncing as a real client does: a 30 s long poll, not a 1 s one.

    With 200 persons a 1 s poll is 200 requests a second to Synapse for nothing: load on the
    persons' side that would be measured as the bot's latency.
    """

    async def _loop(self) -> None:
        while True:
            try:
                resp = await self.client.sync(timeout=30_000)
            except Exception:
                await asyncio.sleep(0.5)
                continue
            if type(resp).__name__ == "SyncResponse":
                await self._upkeep()


async def login_people(homeserver: str, users: Sequence[str], stores: Path) -> list[PersonClient]:
    logging.getLogger("nio").setLevel(logging.CRITICAL)  # "Missing session" while keys travel
    gate = asyncio.Semaphore(10)  # 200 logins at once would time out on 2 cores

    async def one(i: int, user: str) -> PersonClient:
        async with gate:
            person = await BenchPerson.login(homeserver, user, PASSWORD, stores / f"p{i}")
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


async def exchange(person: PersonClient, room: str, text: str, timeout: float) -> float | None:
    """Send `text`, wait for the first message of the reply: milliseconds, None if lost."""
    loop = asyncio.get_running_loop()
    await person._upkeep()  # the person's own key upkeep is not the bot's latency
    sent = loop.time()
    await person.say(room, text)
    got = await next_in_room(person, room, timeout)
    while got is not None and await next_in_room(person, room, QUIET_S) is not None:
        pass  # the rest of a reply of several messages
    return None if got is None else (got - sent) * 1000


@dataclass(frozen=True)
class Result:
    latencies_ms: tuple[float, ...]
    lost: int
    sent: int
    wall_s: float


def merge(results: Sequence[Result]) -> Result:
    return Result(tuple(t for r in results for t in r.latencies_ms),
                  sum(r.lost for r in results), sum(r.sent for r in results),
                  max((r.wall_s for r in results), default=0.0))


async def talk(people: Sequence[PersonClient], rooms: Sequence[str], messages: int,
               think: float, seed: int) -> Result:
    """Each person: message, reply, think; persons start spread over one think time."""
    rng = random.Random(seed)

    async def one(i: int, person: PersonClient, room: str) -> tuple[list[float], int]:
        times: list[float] = []
        await asyncio.sleep(rng.uniform(0, think))
        for k in range(messages):
            got = await exchange(person, room, TEXTS[(i + k) % len(TEXTS)], REPLY_TIMEOUT_S)
            if got is not None:
                times.append(got)
            if k + 1 < messages:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        return times, messages - len(times)

    start = time.monotonic()
    done = await asyncio.gather(*(one(i, p, r) for i, (p, r) in
                                  enumerate(zip(people, rooms, strict=True))))
    return Result(tuple(t for times, _ in done for t in times), sum(m for _, m in done),
                  len(people) * messages, time.monotonic() - start)


async def warm(people: Sequence[PersonClient], rooms: Sequence[str], think: float,
               seed: int) -> Result:
    """One first message per person (keys are exchanged then), spread over one think time."""
    rng = random.Random(seed)

    async def one(person: PersonClient, room: str) -> float | None:
        await asyncio.sleep(rng.uniform(0, max(think, 1.0)))
        return await exchange(person, room, "menu", WARM_TIMEOUT_S)

    start = time.monotonic()
    got = await asyncio.gather(*(one(p, r) for p, r in zip(people, rooms, strict=True)))
    times = tuple(t for t in got if t is not None)
    return Result(times, len(got) - len(times), len(got), time.monotonic() - start)


async def open_dms(people: Sequence[PersonClient], bot: str) -> list[str]:
    """Every person opens a DM with `bot` (leftovers of an earlier bot are dropped)."""
    gate = asyncio.Semaphore(20)

    async def one(person: PersonClient) -> str:
        async with gate:
            return await person.open_dm(bot, timeout=300)

    rooms = await asyncio.gather(*(one(p) for p in people))
    for person in people:
        while not person.replies.empty():
            person.replies.get_nowait()
    return list(rooms)


async def converse(people: Sequence[PersonClient], bot: str, messages: int,
                   think: float = 1.0) -> Result:
    """In this process: DMs with `bot`, one warm-up message each, then `messages` each."""
    rooms = await open_dms(people, bot)
    await warm(people, rooms, think, seed=0)
    return await talk(people, rooms, messages, think, seed=1)


# --------------------------------------------------------------------------- workers


async def worker(spec_json: str) -> int:
    """One worker process: log its persons in, then obey one JSON line per command."""
    spec = json.loads(spec_json)
    people = await login_people(spec["homeserver"], spec["users"], Path(spec["stores"]))
    rooms: list[str] = []
    rooms_of: dict[str, list[str]] = {}  # each bot's DMs, opened once, talked in each round
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def answer(value: Any) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    answer("ready")
    while line := await reader.readline():
        command = json.loads(line)
        seed = spec["seed"] + command.get("round", 0)
        if command["do"] == "open":
            if command["bot"] not in rooms_of:
                rooms_of[command["bot"]] = await open_dms(people, command["bot"])
            rooms = rooms_of[command["bot"]]
            answer("opened")
        elif command["do"] in ("warm", "talk"):
            r = (await warm(people, rooms, command["think"], seed) if command["do"] == "warm"
                 else await talk(people, rooms, command["messages"], command["think"], seed))
            answer({"latencies": r.latencies_ms, "lost": r.lost, "sent": r.sent,
                    "wall": r.wall_s})
        else:
            break
    for person in people:
        with contextlib.suppress(Exception):
            await person.close()
    answer("bye")
    return 0


class Crowd:
    """The persons, spread over worker processes; one JSON line per command and answer."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs

    @classmethod
    async def start(cls, homeserver: str, users: Sequence[str], stores: Path,
                    workers: int) -> Crowd:
        procs = []
        for w in range(workers):
            spec = json.dumps({"homeserver": homeserver, "users": list(users[w::workers]),
                               "seed": 1000 * w, "stores": str(stores / f"w{w}")})
            procs.append(await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).resolve()), "--worker", spec,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT))
        crowd = cls(procs)
        await asyncio.gather(*(crowd._read(p) for p in procs))  # "ready"
        return crowd

    async def _read(self, proc: asyncio.subprocess.Process) -> Any:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("a bench worker died")
        return json.loads(line)

    async def _all(self, **command: Any) -> list[Any]:
        async def ask(proc: asyncio.subprocess.Process) -> Any:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(command) + "\n").encode())
            await proc.stdin.drain()
            return await self._read(proc)

        return list(await asyncio.gather(*(ask(p) for p in self.procs)))

    async def open(self, bot: str) -> None:
        await self._all(do="open", bot=bot)

    async def run(self, what: str, **kw: Any) -> Result:
        answers = await self._all(do=what, **kw)
        return merge([Result(tuple(a["latencies"]), a["lost"], a["sent"], a["wall"])
                      for a in answers])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._all(do="quit")
        for proc in self.procs:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), timeout=30)


# --------------------------------------------------------------------------- the bots


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


def spawn(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def terminate(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


@dataclass(frozen=True)
class Measured:
    warm: Result
    load: Result
    cpu_s: float  # the bot's own CPU time during the measured phase
    synapse_cpu_s: float
    machine_busy: float  # share of the machine's CPU in use during the measured phase


def profiler(args: argparse.Namespace, bot: Bot, pid: int) -> subprocess.Popen[bytes] | None:
    """py-spy on the bot's process during the measured phase (`--profile`), collapsed stacks."""
    if not args.profile:
        return None
    out = bot.log.with_name("profile.txt")
    return subprocess.Popen([args.py_spy, "record", "--pid", str(pid), "--format", "raw",
                             "--rate", "200", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def merge_measured(a: Measured | None, b: Measured) -> Measured:
    if a is None:
        return b
    n = a.load.sent + b.load.sent
    load = merge([a.load, b.load])
    load = Result(load.latencies_ms, load.lost, load.sent, a.load.wall_s + b.load.wall_s)
    return Measured(a.warm, load, a.cpu_s + b.cpu_s,
                    a.synapse_cpu_s + b.synapse_cpu_s,
                    (a.machine_busy * a.load.sent + b.machine_busy * b.load.sent) / max(1, n))


class Bots:
    """The three bots, running all along: each round, the persons talk to each in turn."""

    def __init__(self, chosen: Sequence[Bot], synapse_pid: int) -> None:
        self.chosen = list(chosen)
        self.synapse_pid = synapse_pid
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.warmed: set[str] = set()

    def start(self) -> None:
        for bot in self.chosen:
            self.procs[bot.name] = spawn(bot.cmd, bot.log)

    def stop(self) -> None:
        for bot in self.chosen:
            proc = self.procs.get(bot.name)
            if proc is None:
                continue
            terminate(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                tail = bot.log.read_text(errors="replace")[-1500:]
                print(f"{bot.name} exited with {proc.returncode}:\n{tail}", file=sys.stderr)

    async def measure(self, crowd: Crowd, bot: Bot, messages: int, args: argparse.Namespace,
                      first_round: bool) -> Measured:
        print(f"{bot.name}: {args.people} persons, {messages} messages, "
              f"think ~{args.think:g} s…", flush=True)
        pid = self.procs[bot.name].pid
        await crowd.open(bot.user)
        warmed = (await crowd.run("warm", think=args.think) if first_round
                  else Result((), 0, 0, 0.0))
        spy = profiler(args, bot, pid) if first_round else None
        cpu0, hs0, (busy0, all0) = cpu_seconds(pid), cpu_seconds(self.synapse_pid), machine_busy()
        load = await crowd.run("talk", messages=messages, think=args.think)
        cpu, hs = cpu_seconds(pid) - cpu0, cpu_seconds(self.synapse_pid) - hs0
        busy1, all1 = machine_busy()
        if spy is not None:
            terminate(spy, signal.SIGINT)
            summarise_profile(bot.log.with_name("profile.txt"))
        return Measured(warmed, load, cpu, hs, (busy1 - busy0) / max(1e-9, all1 - all0))


def summarise_profile(path: Path, top: int = 25) -> None:
    """The functions most often on the stack (inclusive share of the samples)."""
    if not path.exists():
        print(f"  (no profile written to {path})")
        return
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in set(stack.split(";")):
            inclusive[frame] += int(count)
    print(f"  profile: {total} samples, {path}")
    for frame, n in inclusive.most_common(top):
        print(f"  {100 * n / max(1, total):5.1f} %  {frame[:110]}")


# --------------------------------------------------------------------------- report


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(name: str, m: Measured) -> None:
    r = m.load
    print(f"{name:<7} median {median(r.latencies_ms):6.0f} ms  p90 {pct(r.latencies_ms, .9):6.0f}"
          f"  p99 {pct(r.latencies_ms, .99):6.0f}  lost {r.lost:>3}/{r.sent}  "
          f"bot CPU {1000 * m.cpu_s / max(1, r.sent):5.1f} ms/message  wall {r.wall_s:4.0f} s"
          f"  (warm-up: median {median(m.warm.latencies_ms):.0f} ms, lost {m.warm.lost}; "
          f"Synapse CPU {1000 * m.synapse_cpu_s / max(1, r.sent):.0f} ms/message, "
          f"machine {100 * m.machine_busy:.0f} % busy)", flush=True)


def ratios(results: dict[str, Measured]) -> None:
    a = results["Relais"]
    for base in ("nio", "echo"):
        b = results[base]
        la, lb = a.load.latencies_ms, b.load.latencies_ms
        if not (la and lb):
            print(f"ratio Relais/{base}: no replies to compare")
            continue
        cpu = (a.cpu_s / max(1, a.load.sent)) / max(1e-9, b.cpu_s / max(1, b.load.sent))
        print(f"ratio Relais/{base}: median {median(la) / median(lb):.2f}, "
              f"p90 {pct(la, .9) / pct(lb, .9):.2f}, p99 {pct(la, .99) / pct(lb, .99):.2f}, "
              f"CPU per message {cpu:.2f}")


# --------------------------------------------------------------------------- main


def mediators_room(server: Any, bot_users: Sequence[str]) -> str:
    """The mediators' room every bot needs, created by a mediator who invites the bots."""
    server.register("mediatrice", PASSWORD)
    login = http("POST", server.base_url + "/_matrix/client/v3/login", {
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "mediatrice"},
        "password": PASSWORD})
    room = http("POST", server.base_url + "/_matrix/client/v3/createRoom", {
        "name": "Médiateurs (bench)", "preset": "private_chat", "invite": list(bot_users)},
        token=login["access_token"])
    return str(room["room_id"])


async def bench(args: argparse.Namespace, data: Path) -> int:
    t0 = time.monotonic()
    print("starting Synapse…", flush=True)
    server = synapse_module().start(data / "synapse")
    results: dict[str, Measured] = {}
    try:
        users = {name: server.register(name, PASSWORD) for name in ("relais", "echo", "nio")}
        with ThreadPoolExecutor(8) as pool:  # Synapse hashes each password in a thread
            people = list(pool.map(lambda i: server.register(f"personne{i}", PASSWORD),
                                   range(args.people)))
        room = mediators_room(server, [users["relais"], users["echo"]])
        print(f"{args.people} persons logging in (E2EE, {args.workers} worker processes)…",
              flush=True)
        crowd = await Crowd.start(server.base_url, people, data / "people", args.workers)
        chosen = [b for b in bots(server.base_url, data, room, users) if b.name in args.bots]
        running = Bots(chosen, server.process.pid)
        running.start()
        try:
            per_round = [args.messages // args.rounds + (r < args.messages % args.rounds)
                         for r in range(args.rounds)]
            for r, messages in enumerate(per_round):
                print(f"round {r + 1} of {args.rounds}", flush=True)
                order = chosen if r % 2 == 0 else chosen[::-1]  # drift falls on every bot
                for bot in order:
                    got = await running.measure(crowd, bot, messages, args, r == 0)
                    results[bot.name] = merge_measured(results.get(bot.name), got)
        finally:
            running.stop()
            await crowd.close()
    finally:
        server.stop()
    print(f"\nSend -> first reply over encrypted Matrix: {args.people} persons in "
          f"{args.workers} processes, 1 warm-up + {args.messages} messages each in "
          f"{args.rounds} round(s), think ~{args.think:g} s (warm-up left out):")
    for name, measured in results.items():
        report(name, measured)
    if {"Relais", "nio", "echo"} <= results.keys():
        ratios(results)
    print(f"total benchmark time {time.monotonic() - t0:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--messages", type=int, default=5, help="measured messages per person")
    parser.add_argument("--think", type=float, default=None,
                        help="seconds a person waits after a reply (default: people / 5)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes the persons are spread over (default: people / 50, "
                             "at least 2)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="the messages are split into rounds; each round talks to every "
                             "bot in turn, the order reversed every other round")
    parser.add_argument("--bots", default="Relais,echo,nio", help="which bots, in this order")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy each bot during the measured phase; print the top frames")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    parser.add_argument("--data", type=Path, default=None,
                        help="working directory (default: a temporary one, removed after)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        return asyncio.run(worker(args.worker))
    args.think = args.people / 5 if args.think is None else args.think
    args.workers = args.workers or max(2, math.ceil(args.people / 50))
    args.bots = [b.strip() for b in args.bots.split(",") if b.strip()]
    if args.data is not None:
        args.data.mkdir(parents=True, exist_ok=False)
        return asyncio.run(bench(args, args.data.resolve()))
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
