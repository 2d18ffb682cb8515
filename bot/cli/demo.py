"""``python -m bot demo``: the README's demo (its code is in devtools/, not in the package)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEVTOOLS_MISSING = ("The demo runs from a clone of the Relais repository (it needs devtools/): "
                    "run 'python3 scripts/dev.py demo' there.")


def cmd_demo(args: argparse.Namespace) -> int:
    try:
        from devtools.demo import run_demo
    except ModuleNotFoundError as exc:
        if exc.name not in ("devtools", "devtools.demo"):
            raise
        print(DEVTOOLS_MISSING, file=sys.stderr)
        return 2
    return run_demo(args)


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="local Synapse + bot + accounts, then chat over Matrix")
    p.add_argument("--data", default=".cache/demo", help="where the demo keeps its files")
    p.add_argument("--no-chat", action="store_true", help="start everything, print, and wait")
    p.set_defaults(func=cmd_demo)
