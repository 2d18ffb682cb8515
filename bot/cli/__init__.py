"""The command line, one module per command group; ``python -m bot`` runs ``main``.

    dialogues.py  check, route, eval, map, chat, test   the dialogue files, without Matrix
    run.py        run                              the bot on Matrix
    doctor.py     doctor                           every check of a deployment, one line each
    stats.py      stats                            anonymised reports
    demo.py       demo                             the README's demo (its code is in devtools/)
    common.py     reading the configuration, logging

Every group is imported here, at the top: a broken import stops with its traceback instead of
making commands vanish from the help.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli import demo, dialogues, doctor, run, stats

GROUPS = (dialogues, run, doctor, stats, demo)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Relais chat bot")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code
