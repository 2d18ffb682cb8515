"""``python -m bot``: the command line lives in bot/cli/ (one module per command group)."""

from __future__ import annotations

import sys

from bot.cli import main as main

if __name__ == "__main__":
    sys.exit(main())
