"""The command line: every command group registered, none hidden by a failing import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.cli import GROUPS, build_parser

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"check", "route", "eval", "map", "chat", "test", "run", "stats", "demo"}


def _commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)  # type: ignore[arg-type]


def test_every_command_is_there() -> None:
    assert _commands() >= COMMANDS


def test_each_group_is_a_module_of_bot_cli() -> None:
    assert all(g.__name__.startswith("bot.cli.") for g in GROUPS)


def test_python_m_bot_lists_them() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout
