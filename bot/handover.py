"""Kept for imports written before bot/desk/ existed: the desk lives in bot/desk/."""

from bot.desk.desk import Desk, Members, RoomEvent
from bot.desk.texts import *  # noqa: F403  (the desk's sentences, as before)

__all__ = ["Desk", "Members", "RoomEvent"]
