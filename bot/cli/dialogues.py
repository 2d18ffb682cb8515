"""The commands on the dialogue files: check, route, eval, map, chat, test.

Each sub-command is one small function; errors an admin can cause end with one clear sentence
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.dialogue.engine import Engine
from bot.dialogue.loader import Loaded, Severity, load
from bot.dialogue.model import State, Tree
from bot.present import render
from bot.resources import default_dialogues

DEFAULT_DIALOGUES = default_dialogues()  # the clone's, or the installed wheel's
DEFAULT_SCRIPTS = Path(__file__).resolve().parent.parent.parent / "tests" / "scripts"


def _load_or_explain(path: Path) -> Loaded | None:
    loaded = load(path)
    if not loaded.ok:
        for problem in loaded.errors:
            print(problem, file=sys.stderr)
        print(
            f"{len(loaded.errors)} error(s) in {path}: run 'python -m bot check {path}'.",
            file=sys.stderr,
        )
        return None
    return loaded


def cmd_check(args: argparse.Namespace) -> int:
    loaded = load(args.path)
    problems = list(loaded.problems)
    if loaded.ok and not args.no_model:
        from bot.understanding.lint import has_examples, lint_examples

        if has_examples(loaded.tree):  # else nothing to check, and no need to train
            problems += lint_examples(loaded.tree, _engine(Path(args.path), loaded.tree))
    for problem in problems:
        print(problem)
    errors = len(loaded.errors)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    nodes = len(loaded.tree.nodes)
    topics = len(loaded.tree.topics)
    coverage = _translation_report(args, loaded)
    if coverage:
        print(coverage)
    if errors:
        print(f"{errors} error(s), {warnings} warning(s) in {topics} topics, {nodes} nodes.")
        return 1
    print(f"OK: {topics} topics, {nodes} nodes, {warnings} warning(s).")
    return 0


def _translation_report(args: argparse.Namespace, loaded: Loaded) -> str:
    """Per-locale share of dialogue strings translated (when catalogs are available)."""
    from bot.i18n import translation_report

    locales = Path(getattr(args, "locales", "") or DEFAULT_DIALOGUES.parent / "locales")
    try:
        return translation_report(loaded, locales, verbose=bool(getattr(args, "verbose", False)))
    except Exception as exc:
        return f"translations: not checked ({exc})"


def _engine(path: Path, tree: Tree, *, learned: bool = True) -> Engine:
    """The engine as the bot runs it: keywords and rules, plus the classifier."""
    if not learned:
        return Engine(tree)
    from bot.understanding.build import build

    return Engine(tree, build(tree, path))


def cmd_route(args: argparse.Namespace) -> int:
    from bot.understanding.evaluate import read_first_step

    loaded = _load_or_explain(Path(args.dialogues))
    if loaded is None:
        return 1
    engine = _engine(Path(args.dialogues), loaded.tree, learned=not args.keywords_only)
    from bot.language import written_in

    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        route = engine.route(text)
        first = read_first_step(engine, text)
        node = route.node.split(":", 1)[1] if route.node else None
        print(json.dumps({"text": text, "topic": route.topic, "node": node,
                          "score": route.score, "ambiguous": list(route.ambiguous),
                          "distress": first.distress, "concern": first.concern,
                          "language": written_in(text)},
                         ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.understanding.corpus import CorpusError, read
    from bot.understanding.evaluate import format_report, unmet_thresholds
    from bot.understanding.measure import by_writer, cross_validated, on_engine

    dialogues = Path(args.dialogues)
    loaded = _load_or_explain(dialogues)
    if loaded is None:
        return 1
    try:
        messages = read(Path(args.file))
    except (CorpusError, OSError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    if args.by_writer:
        report = by_writer(loaded.tree, dialogues, messages)
    elif args.folds:
        report = cross_validated(loaded.tree, dialogues, messages, folds=args.folds)
    else:
        report = on_engine(_engine(dialogues, loaded.tree, learned=not args.keywords_only),
                           messages)
    print(format_report(report, misses=not args.no_misses))
    failed = unmet_thresholds(report, min_top1=args.min_top1,
                            min_distress_recall=args.min_distress_recall)
    for reason in failed:
        print(f"FAIL: {reason}", file=sys.stderr)
    return 1 if failed else 0


def cmd_map(args: argparse.Namespace) -> int:
    from bot.treemap import render_map

    loaded = _load_or_explain(Path(args.dialogues))
    if loaded is None:
        return 1
    page = render_map(loaded.tree)
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"map of {len(loaded.tree.topics)} topics written to {args.output}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    if getattr(args, "matrix", None):
        from bot.cli.demo import chat_over_matrix

        return chat_over_matrix(args)
    loaded = _load_or_explain(Path(args.dialogues))
    if loaded is None:
        return 1
    engine = _engine(Path(args.dialogues), loaded.tree)
    from bot.i18n import CatalogError, Catalogs, direction

    try:
        catalogs = Catalogs.load(Path(args.locales) if args.locales
                                 else Path(args.dialogues).resolve().parent / "locales")
    except CatalogError as exc:
        print(f"{exc} (the replies stay in French)", file=sys.stderr)
        catalogs = Catalogs.french_only()
    print("Relais, dans le terminal. Écrivez comme une personne ; Ctrl-D pour quitter.\n")
    state = State(locale=args.lang)
    first = True
    while True:
        try:
            text = input("vous> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        step = engine.step(state, text) if not first or text.strip() else engine.start(state)
        first = False
        state = step.state
        message = render(step.effects, catalogs.translator(state.locale), locale=state.locale,
                         rtl=direction(state.locale) == "rtl")
        if message is not None:
            print("\n" + message.body + "\n")
        for effect in step.effects:
            name = type(effect).__name__
            if name in ("HandOver", "Relay", "End", "Forget"):
                print(f"  [{name}: {effect}]")


def cmd_test(args: argparse.Namespace) -> int:
    from bot.dialogue.transcripts import Result, run_file, script_files

    loaded = _load_or_explain(Path(args.dialogues))
    if loaded is None:
        return 1
    engine = _engine(Path(args.dialogues), loaded.tree, learned=not args.keywords_only)
    files = script_files([Path(p) for p in args.files] or [DEFAULT_SCRIPTS])
    if not files:
        print("no conversation script found", file=sys.stderr)
        return 1
    result = Result()
    for path in files:
        run_file(engine, path, result)
    for failure in result.failures:
        print(f"FAIL {failure}")
    total = {n.key for n in loaded.tree.nodes}
    visited = result.visited & total
    missing = sorted(total - visited)
    pct = 100.0 * len(visited) / len(total) if total else 100.0
    print(f"{result.scripts} scripts, {result.steps} steps, {len(result.failures)} failed")
    print(f"coverage: {len(visited)}/{len(total)} nodes visited ({pct:.1f}%)")
    if missing and args.verbose:
        print("not visited: " + ", ".join(missing))
    if result.failures:
        return 1
    if args.require_full and missing:
        print("not visited: " + ", ".join(missing))
        return 1
    return 0


def register(sub: Any) -> None:
    """check, route, eval, map, chat, test: the commands on the dialogue files."""
    p = sub.add_parser("check", help="validate dialogue files (file:line:col for each problem)")
    p.add_argument("path", nargs="?", default=str(DEFAULT_DIALOGUES))
    p.add_argument("--locales", default=None, help="folder of translation catalogs")
    p.add_argument("-v", "--verbose", action="store_true", help="list missing translations")
    p.add_argument("--no-model", action="store_true",
                   help="skip the examples check (it trains the classifier)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("route", help="how first messages (one per line on stdin) are understood")
    p.add_argument("--dialogues", default=str(DEFAULT_DIALOGUES))
    p.set_defaults(func=cmd_route)

    p.add_argument("--keywords-only", action="store_true", help="without the classifier")

    p = sub.add_parser("eval", help="figures on a labelled corpus (TSV or YAML): accuracy, "
                                    "per-topic precision/recall, confusion, distress, misses")
    p.add_argument("file", help="a .tsv (label<TAB>message), a .yaml, or a folder of .tsv")
    p.add_argument("--dialogues", default=str(DEFAULT_DIALOGUES))
    p.add_argument("--by-writer", action="store_true",
                   help="leave-one-writer-out: train without each file, test on it")
    p.add_argument("--folds", type=int, default=0,
                   help="k-fold cross-validation on the file's messages (e.g. 5)")
    p.add_argument("--keywords-only", action="store_true", help="without the classifier")
    p.add_argument("--min-top1", type=float, default=None)
    p.add_argument("--min-distress-recall", type=float, default=None)
    p.add_argument("--no-misses", action="store_true", help="figures only")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("map", help="draw the dialogue trees as an HTML page")
    p.add_argument("--dialogues", default=str(DEFAULT_DIALOGUES))
    p.add_argument("-o", "--output", default="map.html", help="file to write, or - for stdout")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("chat", help="talk to the dialogues in the terminal")
    p.add_argument("--dialogues", default=str(DEFAULT_DIALOGUES))
    p.add_argument("--matrix", default=None, help="demo: chat over Matrix with this config")
    p.add_argument("--lang", default="fr", choices=("fr", "en", "ar"),
                   help="the language of the replies (the person can change it with 'langue')")
    p.add_argument("--locales", default=None, help="folder of translation catalogs")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("test", help="run conversation scripts and print node coverage")
    p.add_argument("files", nargs="*")
    p.add_argument("--dialogues", default=str(DEFAULT_DIALOGUES))
    p.add_argument("--require-full", action="store_true", help="fail unless 100%% of nodes")
    p.add_argument("--keywords-only", action="store_true", help="without the classifier")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_test)
