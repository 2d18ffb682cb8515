"""Kept for bot/__main__.py until it moves into bot/cli/: the run, stats and demo commands."""

from bot.cli import register_app_commands as register

__all__ = ["register"]
