"""``python -m bot demo``: the README's demo (its code is in devtools/, not in the package)."""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import Any

DEVTOOLS_MISSING = ("The demo runs from a clone of the Relais repository (it needs devtools/): "
                    "run 'python3 scripts/dev.py demo' there.")


def _devtools_demo() -> ModuleType | None:
    try:
        from devtools import demo
    except ModuleNotFoundError as exc:
        if exc.name not in ("devtools", "devtools.demo"):
            raise
        print(DEVTOOLS_MISSING, file=sys.stderr)
        return None
    return demo


def cmd_demo(args: argparse.Namespace) -> int:
    demo = _devtools_demo()
    return 2 if demo is None else int(demo.run_demo(args))


def chat_over_matrix(args: argparse.Namespace) -> int:
    """``python -m bot chat --matrix DATA``: chat as the demo person with a running demo."""
    demo = _devtools_demo()
    return 2 if demo is None else int(demo.chat_over_matrix(args))


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="local Synapse + bot + accounts, then chat over Matrix")
    p.add_argument("--data", default=".cache/demo", help="where the demo keeps its files")
    p.add_argument("--no-chat", action="store_true", help="start everything, print, and wait")
    p.set_defaults(func=cmd_demo)
