"""Handled event ids and the sync token: what makes a restart answer each message once.

The router records an event as handled in the same transaction as its effects; the transport
saves the sync token only after that, so a crash in between replays events that are then
skipped here.
"""

from __future__ import annotations

from bot.store._time import now_s
from bot.store.db import Conn

HANDLED_KEEP_DAYS = 7
SYNC_TOKEN_KEY = "sync_token"


async def is_handled(conn: Conn, event_id: str) -> bool:
    row = await conn.fetchone("SELECT 1 FROM handled_events WHERE event_id = ?", (event_id,))
    return row is not None


async def mark_handled(conn: Conn, event_id: str, *, now: float | None = None) -> bool:
    """Record the event; False when it was already recorded (a replay)."""
    changed = await conn.execute(
        "INSERT OR IGNORE INTO handled_events (event_id, handled_at) VALUES (?, ?)",
        (event_id, now_s(now)),
    )
    return changed > 0


async def kv_get(conn: Conn, key: str) -> str | None:
    row = await conn.fetchone("SELECT value FROM kv WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def kv_set(conn: Conn, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO kv (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


class SyncTokenStore:
    """The transport's ``SyncTokenStore``: where the next /sync starts from."""

    def __init__(self, conn: Conn, key: str = SYNC_TOKEN_KEY) -> None:
        self._conn = conn
        self._key = key

    async def load_token(self) -> str | None:
        return await kv_get(self._conn, self._key)

    async def save_token(self, token: str) -> None:
        await kv_set(self._conn, self._key, token)
