#!/usr/bin/env python3
"""Dialogue core benchmark: prints figures, asserts nothing.

1. Load + validate a generated tree of 2,000 nodes (target < 1 s), against a baseline of
   parsing the same files with plain ``yaml.safe_load`` in the same run.
2. Training the classifier on 10,000 examples (target < 3 s, or cached), and building the
   shipped understanding first and from its cache.
3. One engine step as the bot runs it (rules, keywords, classifier; targets: median < 300 µs,
   p99 < 3 ms), against the keywords-and-rules engine on the same messages in the same run;
   twice: each message's extra word a word+number, then letters only (fuzzy lookups).

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


def _messages(letters: bool) -> list[str]:
    corpus = [item["text"] for item in
              yaml.safe_load((ROOT / "tests/data/routing_fr.yaml").read_text(encoding="utf-8"))]
    corpus += ["1", "2", "menu", "retour", "oui", "caf", "jarrive pa a mactualiser"]
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
    return messages


def _time_steps(engine: Engine, messages: list[str]) -> list[int]:
    start = engine.start(State()).state
    for text in messages[:200]:  # warm the caches as a running bot would be
        engine.step(start, f"{text} warm")
    steps = []
    for text in messages:
        t0 = time.perf_counter_ns()
        engine.step(start, text)
        steps.append(time.perf_counter_ns() - t0)
    return sorted(steps)


def bench_step(learned: Engine, *, letters: bool = False) -> None:
    """The engine as the bot runs it (keywords, rules and the classifier) against the
    keywords-and-rules engine alone, on the same unique messages, in the same run.

    ``letters``: the extra word has no digit, so each message brings an unknown word that
    goes through the fuzzy lookups (digits skip them), as a typo would."""
    loaded = load(ROOT / "dialogues")
    messages = _messages(letters)
    base_ns = sorted(_norm_ns(messages))
    old = _time_steps(Engine(loaded.tree), messages)
    new = _time_steps(learned, messages)
    kind = "letters only (fuzzy lookups)" if letters else "word+number"
    print(f"engine step, {len(messages)} unique messages, extra word {kind}:")
    for name, steps in (("with the classifier", new), ("keywords and rules only", old)):
        med = statistics.median(steps) / 1000
        p99 = steps[int(len(steps) * 0.99)] / 1000
        print(f"  {name}: median {med:.0f} µs, p99 {p99:.0f} µs")
    ratio = statistics.median(new) / statistics.median(old)
    print(f"  targets with the classifier: median < 300 µs, p99 < 3000 µs; "
          f"ratio to keywords only {ratio:.2f}x; normalise() alone "
          f"{statistics.median(base_ns) / 1000:.1f} µs")


def _norm_ns(messages: list[str]) -> list[int]:
    out = []
    for text in messages:
        t0 = time.perf_counter_ns()
        normalise(text)
        out.append(time.perf_counter_ns() - t0)
    return out


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_training() -> Engine:
    """Training on 10,000 examples (the corpus and the trees' examples, repeated with a
    varying word so none is a duplicate), then building the shipped engine from the cache."""
    from bot.understanding.build import build
    from bot.understanding.corpus import read
    from bot.understanding.train import (
        Sample,
        node_samples,
        samples_from_corpus,
        samples_from_tree,
        train,
    )

    tree = load(ROOT / "dialogues").tree
    rss0 = _rss_mb()
    base = samples_from_tree(tree) + samples_from_corpus(read(ROOT / "dialogues/corpus"), tree)
    samples = [Sample(f"{s.text} {WORDS[i % len(WORDS)]}{i // len(WORDS)}", s.label, s.weight)
               for i, s in enumerate(base * (10_000 // len(base) + 1))][:10_000]
    t0 = time.perf_counter()
    train(samples, None, node_samples(tree))
    fit = time.perf_counter() - t0
    print(f"training on {len(samples)} examples: {fit:.2f} s (target < 3 s, or cached)")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        t0 = time.perf_counter()
        build(tree, ROOT / "dialogues", cache=cache)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        understanding = build(tree, ROOT / "dialogues", cache=cache)
        cached = time.perf_counter() - t0
    print(f"shipped trees + corpus: first build {first:.2f} s, from the cache {cached:.2f} s")
    print(f"  resident memory of this process: {rss0:.0f} MB before, {_rss_mb():.0f} MB after "
          f"(includes scikit-learn, which a start from the cache never imports)")
    return Engine(tree, understanding)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    bench_load(args.nodes, args.rounds)
    learned = bench_training()
    bench_step(learned)
    bench_step(learned, letters=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
