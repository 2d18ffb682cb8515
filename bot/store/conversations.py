"""Dialogue state per direct-message room, stored as the JSON text of ``State``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.model import State
from bot.store._time import local_day, now_s
from bot.store.db import Conn, Row


@dataclass(frozen=True, slots=True)
class Conversation:
    room_id: str
    state: str  # State.to_json()
    created_day: str  # YYYY-MM-DD
    updated_at: int  # unix seconds

    def decoded(self) -> State:
        return State.from_json(self.state)


def _row(row: Row) -> Conversation:
    return Conversation(
        room_id=row["room_id"],
        state=row["state"],
        created_day=row["created_day"],
        updated_at=int(row["updated_at"]),
    )


async def get(conn: Conn, room_id: str) -> Conversation | None:
    row = await conn.fetchone(
        "SELECT room_id, state, created_day, updated_at FROM conversations WHERE room_id = ?",
        (room_id,),
    )
    return None if row is None else _row(row)


async def put(conn: Conn, room_id: str, state: str, *, now: float | None = None) -> None:
    """Insert or replace the state; ``created_day`` keeps its first value."""
    at = now_s(now)
    await conn.execute(
        """INSERT INTO conversations (room_id, state, created_day, updated_at)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (room_id) DO UPDATE SET state = excluded.state,
                                               updated_at = excluded.updated_at""",
        (room_id, state, local_day(at).isoformat(), at),
    )


async def load_state(conn: Conn, room_id: str) -> State | None:
    """The decoded state, or None for a room the bot has never talked in (or forgot)."""
    found = await get(conn, room_id)
    return None if found is None else found.decoded()


async def save_state(conn: Conn, room_id: str, state: State, *, now: float | None = None) -> None:
    await put(conn, room_id, state.to_json(), now=now)
