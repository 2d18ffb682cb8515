#!/usr/bin/env python3
"""Resident memory of the running Relais process with 10,000 stored conversations.

Prints figures, asserts nothing. A SQLite database is filled through ``bot.store`` with varied
dialogue states, then the real ``python -m bot run`` starts against it and a local Synapse.
Its VmRSS (from /proc) is read once it is up and idle, then after a few persons talked to it in
encrypted DMs (and one timer tick, which runs the purge). Target: < 150 MB. Baseline: a bare
``python -c "import nio"`` process (the E2EE Matrix library alone).

    python bench/memory.py [--conversations 10000] [--people 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from matrix_latency import (
    ROOT,
    converse,
    login_people,
    mediators_room,
    spawn,
    synapse_module,
    terminate,
)

from bench.latency_bots import PASSWORD, relais_config
from bot.dialogue.loader import load
from bot.dialogue.model import Phase, State
from bot.store import conversations, open_db

TARGET_MB = 150.0
SAID = ("caf", "mon dossier", "jarrive pas a me connecter", "mot de passe perdu", "apl",
        "carte vitale", "rdv france travail", "impots", "aide svp", "je comprends pas")


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB: now and peak."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = {k: int(v) for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M)}
    return values["VmRSS"] / 1024, values["VmHWM"] / 1024


def nio_baseline() -> float:
    out = subprocess.run(
        [sys.executable, "-c",
         "import nio, re; s = open('/proc/self/status').read(); "
         "print(re.search(r'VmRSS:\\s+(\\d+)', s).group(1))"],
        check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


async def fill(database: Path, count: int) -> float:
    """`count` conversations in all phases, at real nodes, with histories and typed text."""
    tree = load(ROOT / "dialogues").tree
    keys = [f"{n.topic}:{n.id}" for n in tree.nodes]
    rng = random.Random(42)
    phases = list(Phase)
    start = time.monotonic()
    db = await open_db(database)
    try:
        async with db.transaction() as tx:
            for i in range(count):
                phase = phases[i % len(phases)]
                path = tuple(rng.sample(keys, rng.randint(0, 6)))
                state = State(
                    phase=phase,
                    node=path[-1] if path and phase is not Phase.MENU else None,
                    history=path[:-1],
                    misses=rng.randint(0, 2),
                    choices=tuple(rng.sample(keys, 2)) if phase is Phase.CHOOSE else (),
                    locale=rng.choice(("fr", "fr", "fr", "en", "ar")),
                    started=True,
                    said=tuple(rng.sample(SAID, rng.randint(0, 3))),
                    path=path,
                    priority=rng.random() < 0.05,
                    reason="asked" if phase is Phase.CONFIRM_HANDOVER else "",
                )
                await conversations.save_state(tx, f"!bench{i:05d}:localhost", state)
        found = await db.fetchone("SELECT COUNT(*) AS n FROM conversations")
        assert found is not None and found["n"] >= count
    finally:
        await db.close()
    return time.monotonic() - start


async def wait_running(log: Path, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    """Up = the first sync went through (the transport logs it on a first start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Relais exited:\n" + log.read_text(errors="replace")[-1500:])
        if "history skipped" in log.read_text(errors="replace"):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("Relais did not finish its first sync in time")


async def bench(args: argparse.Namespace, data: Path) -> int:
    database = data / "relais.sqlite3"
    took = await fill(database, args.conversations)
    size = sum(p.stat().st_size for p in data.glob("relais.sqlite3*")) / 1024 / 1024
    print(f"{args.conversations} conversations stored in {took:.1f} s ({size:.1f} MB on disk)",
          flush=True)
    server = synapse_module().start(data / "synapse")
    figures: list[tuple[str, float, float]] = []
    try:
        relais = server.register("relais", PASSWORD)
        users = [server.register(f"personne{i}", PASSWORD) for i in range(args.people)]
        room = mediators_room(server, [relais])
        (data / "relais").mkdir()
        config = relais_config(data / "relais", server.base_url, relais, room, database)
        log = data / "relais" / "bot.log"
        proc = spawn([sys.executable, "-m", "bot", "run", "--config", str(config)], log)
        try:
            await wait_running(log, proc)
            await asyncio.sleep(args.idle)
            figures.append(("up and idle", *rss_mb(proc.pid)))
            people = await login_people(server.base_url, users, data / "people")
            try:
                result = await converse(people, relais, args.messages)
                print(f"{len(result.latencies_ms)} replies in {args.people} encrypted DMs "
                      f"({result.lost} lost)", flush=True)
            finally:
                for person in people:
                    with contextlib.suppress(Exception):
                        await person.close()
            await asyncio.sleep(35)  # one timer tick (30 s): desk, outbox kick, purge
            figures.append((f"after {args.people} DMs + a timer tick", *rss_mb(proc.pid)))
        finally:
            terminate(proc)
    finally:
        server.stop()
    base = nio_baseline()
    print(f"\nRelais process memory with {args.conversations} stored conversations "
          f"(target < {TARGET_MB:.0f} MB):")
    for label, rss, peak in figures:
        verdict = "OK" if rss < TARGET_MB else "OVER TARGET"
        print(f"  {label:<32} VmRSS {rss:6.1f} MB  (peak {peak:6.1f} MB)  {verdict}  "
              f"x{rss / base:.2f} the baseline")
    print(f"  baseline: python -c 'import nio'   VmRSS {base:6.1f} MB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relais-mem-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
