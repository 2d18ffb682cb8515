"""``python -m bot stats``: anonymised counts for sponsors (table, csv, json, html)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.cli.common import config_or_explain


def _period(args: argparse.Namespace) -> tuple[date, date] | None:
    try:
        end = date.fromisoformat(args.to) if args.to else date.today()
        start = date.fromisoformat(args.start) if args.start else end - timedelta(days=29)
    except ValueError:
        print("Dates must look like 2026-11-23.", file=sys.stderr)
        return None
    return start, end


def cmd_stats(args: argparse.Namespace) -> int:
    from bot import stats
    from bot.dialogue.loader import load
    from bot.store.db import open_db

    config = config_or_explain(args.config)
    if config is None:
        return 2
    period = _period(args)
    if period is None:
        return 2
    start, end = period
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
    if args.format == "csv":  # what each figure counts, under the figures
        text += "\n" + stats.to_csv(report, "definitions")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written: {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="anonymised counts for sponsors")
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--from", dest="start", default=None, help="first day, e.g. 2026-11-01")
    p.add_argument("--to", default=None, help="last day (default: today)")
    p.add_argument("--by", default="topic",
                   choices=["topic", "day", "week", "month", "outcome", "locale"])
    p.add_argument("--format", default="table", choices=["table", "csv", "json", "html"])
    p.add_argument("-o", "--output", default=None, help="write to this file")
    p.set_defaults(func=cmd_stats)
