"""What several commands share: reading the configuration, setting up logging."""

from __future__ import annotations

import logging
import sys

from bot.config import Config, ConfigError, load_config


def config_or_explain(path: str) -> Config | None:
    """The configuration, or None after one sentence on stderr (the caller exits 2)."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return None


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # nio logs user, device and room ids even at WARNING: keep it to errors (privacy)
    logging.getLogger("nio").setLevel(logging.ERROR)
    for noisy in ("aiohttp", "peewee"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
