"""The command line, one module per command group; ``python -m bot`` is ``main``.

    run.py    run             the bot on Matrix
    stats.py  stats           anonymised reports
    demo.py   demo            the README's demo (code in devtools/)
"""

from __future__ import annotations

from typing import Any

from bot.cli import demo, run, stats


def register_app_commands(sub: Any) -> None:
    """The commands that need the whole application: run, stats, demo."""
    for group in (run, stats, demo):
        group.register(sub)
