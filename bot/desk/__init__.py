"""The mediators' desk: one ticket = one thread in the mediators' room.

    desk.py      Desk: open a ticket, relay both ways, close (all through the outbox)
    commands.py  !prendre, !liberer, !transferer, !fin, !oublier, !file, !nom, !stats, !aide
    hours.py     office hours (pure)
    timers.py    reminders, silent persons
    texts.py     every sentence of the desk
"""

from bot.desk.desk import Desk, Members, RoomEvent

__all__ = ["Desk", "Members", "RoomEvent"]
