"""Kept for imports written before bot/desk/ existed: the desk lives in bot/desk/."""

from bot.desk.desk import Desk, Members, RoomEvent
from bot.desk.texts import SENTENCES
from bot.text_tables import by_name

__all__ = ["Desk", "Members", "RoomEvent"]

# the desk's sentences, as before (handover.CLAIMED_PERSON)
__getattr__ = by_name(SENTENCES, __name__)
