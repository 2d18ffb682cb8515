"""Sub-commands that need the whole application: run, stats, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.config import ConfigError, load_config


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # nio logs user, device and room ids even at WARNING: keep it to errors (privacy)
    logging.getLogger("nio").setLevel(logging.ERROR)
    for noisy in ("aiohttp", "peewee"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import StartupError, serve

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    _setup_logging(config.log_level)
    try:
        return asyncio.run(serve(config))
    except StartupError as exc:
        print(f"Relais cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from bot import stats
    from bot.dialogue.loader import load
    from bot.store.db import open_db

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    try:
        end = date.fromisoformat(args.to) if args.to else date.today()
        start = date.fromisoformat(args.start) if args.start else end - timedelta(days=29)
    except ValueError:
        print("Dates must look like 2026-11-23.", file=sys.stderr)
        return 2
    titles = {t.id: t.title for t in load(config.dialogues).tree.topics}

    async def build() -> Any:
        db = await open_db(config.database)
        try:
            return await stats.report(db, start, end, args.by, k=config.privacy.k_anonymity,
                                      titles=titles)
        finally:
            await db.close()

    try:
        report = asyncio.run(build())
    except ValueError as exc:
        print(f"Cannot build the report: {exc}", file=sys.stderr)
        return 2
    render = {"table": stats.to_table, "csv": stats.to_csv, "json": stats.to_json,
              "html": stats.to_html}[args.format]
    text = render(report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written: {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(args)


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="run the bot on Matrix")
    p.add_argument("--config", default="config.yaml")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("stats", help="anonymised counts for sponsors")
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--from", dest="start", default=None, help="first day, e.g. 2026-11-01")
    p.add_argument("--to", default=None, help="last day (default: today)")
    p.add_argument("--by", default="topic",
                   choices=["topic", "day", "week", "month", "outcome", "locale"])
    p.add_argument("--format", default="table", choices=["table", "csv", "json", "html"])
    p.add_argument("-o", "--output", default=None, help="write to this file")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("demo", help="local Synapse + bot + accounts, then chat over Matrix")
    p.add_argument("--data", default=".cache/demo", help="where the demo keeps its files")
    p.add_argument("--no-chat", action="store_true", help="start everything, print, and wait")
    p.set_defaults(func=cmd_demo)
