"""``python -m bot run --config FILE``: the bot on Matrix until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli.common import config_or_explain, setup_logging
from bot.preflight import first_failure, local_checks


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import StartupError, serve

    config = config_or_explain(args.config)
    if config is None:
        return 2
    refused = first_failure(local_checks(config))
    if refused is not None:  # before the app: a silent French-only bot is worse than none
        print(f"Relais cannot start: {refused.detail}", file=sys.stderr)
        return 2
    setup_logging(config.log_level)
    try:
        return asyncio.run(serve(config))
    except StartupError as exc:
        print(f"Relais cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="run the bot on Matrix")
    p.add_argument("--config", default="config.yaml")
    p.set_defaults(func=cmd_run)
