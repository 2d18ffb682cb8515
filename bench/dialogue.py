#!/usr/bin/env python3
"""Dialogue core benchmark: prints figures, asserts nothing.

1. Load + validate a generated tree of 2,000 nodes (target < 1 s), against a baseline of
   parsing the same files with plain ``yaml.safe_load`` in the same run.
2. One engine step with free-text routing across all topics of the shipped dialogues
   (targets: median < 100 µs, p99 < 1 ms), against a baseline of ``normalise`` alone; twice:
   each message's extra word a word+number, then letters only (unknown words, fuzzy lookups).

    python bench/dialogue.py [--nodes 2000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.dialogue.engine import Engine  # noqa: E402
from bot.dialogue.loader import load  # noqa: E402
from bot.dialogue.matching import normalise  # noqa: E402
from bot.dialogue.model import State  # noqa: E402

WORDS = ["dossier", "compte", "papier", "attestation", "paiement", "aide", "demande", "code",
         "carte", "droit", "formulaire", "courrier", "connexion", "inscription", "declaration"]


def generate(folder: Path, nodes: int, topics: int = 20) -> None:
    rng = random.Random(7)
    per_topic = nodes // topics
    for t in range(topics):
        lines = ["version: 1", "topic:", f"  id: t{t}", f"  title: Sujet {t}", "  entry: n0",
                 f"  keywords: [sujet{t}, {rng.choice(WORDS)} {t}]", "nodes:"]
        for n in range(per_topic):
            lines += [f"  - id: n{n}", f"    text: Texte du nœud {n} du sujet {t}."]
            children = [c for c in (2 * n + 1, 2 * n + 2) if c < per_topic]
            if children:
                lines.append("    options:")
                for c in children:
                    lines += [f"      - label: Choix {c}", f"        goto: n{c}",
                              f"        keywords: [mot{t}x{c}]"]
            else:
                lines.append("    end: check")
        (folder / f"t{t}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_load(nodes: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, nodes)
        files = sorted(folder.glob("*.yaml"))
        loaded = load(folder)
        assert loaded.ok, loaded.errors[:3]
        count = len(loaded.tree.nodes)
        base, full = [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for f in files:
                yaml.safe_load(f.read_text(encoding="utf-8"))
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            load(folder)
            full.append(time.perf_counter() - t0)
    b, f = statistics.median(base), statistics.median(full)
    print(f"load+validate {count} nodes: median {f * 1000:.0f} ms (target < 1000 ms)")
    print(f"  baseline yaml.safe_load only: {b * 1000:.0f} ms; ratio {f / b:.2f}x")


def bench_step(*, letters: bool = False) -> None:
    """``letters``: the extra word has no digit, so each message brings an unknown word that
    goes through the fuzzy lookups (digits skip them), as a typo would."""
    loaded = load(ROOT / "dialogues")
    engine = Engine(loaded.tree)
    corpus = [item["text"] for item in
              yaml.safe_load((ROOT / "tests/data/routing_fr.yaml").read_text(encoding="utf-8"))]
    corpus += ["1", "2", "menu", "retour", "oui", "caf", "jarrive pa a mactualiser"]
    start = engine.start(State()).state
    rng = random.Random(3)
    # every message is unique (a random extra word), so no cache can answer for the engine
    if letters:
        alphabet = "abcdefghijklmnopqrstuvwxyz"
        extras = ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 11)))
                  for _ in range(5000)]
        extras = [f"{w}{alphabet[i % 26]}{alphabet[i // 26 % 26]}" for i, w in enumerate(extras)]
    else:
        extras = [f"{rng.choice(WORDS)}{i}" for i in range(5000)]
    messages = [f"{rng.choice(corpus)} {extra}" for extra in extras]
    assert len(set(messages)) == len(messages)
    for text in messages[:200]:  # warm the caches as a running bot would be
        engine.step(start, text)
    steps, base = [], []
    for text in messages:
        t0 = time.perf_counter_ns()
        normalise(text)
        base.append(time.perf_counter_ns() - t0)
        t0 = time.perf_counter_ns()
        engine.step(start, text)
        steps.append(time.perf_counter_ns() - t0)
    steps.sort()
    base.sort()
    med = statistics.median(steps) / 1000
    p99 = steps[int(len(steps) * 0.99)] / 1000
    bmed = statistics.median(base) / 1000
    kind = "letters only (fuzzy lookups)" if letters else "word+number"
    print(f"engine step with routing over {len(loaded.tree.topics)} topics, "
          f"{len(messages)} messages, extra word {kind}: median {med:.0f} µs (target < 100), "
          f"p99 {p99:.0f} µs (target < 1000)")
    print(f"  baseline normalise() only: median {bmed:.1f} µs; ratio {med / bmed:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    bench_load(args.nodes, args.rounds)
    bench_step()
    bench_step(letters=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
