"""Whether the bot's SQLite file can be used, asked without changing it (for ``bot doctor``).

Opening the store with ``open_db`` would run the migrations; doctor may run beside a live bot
or before an upgrade, so it only reads the schema version and takes the write lock for an
instant (``BEGIN IMMEDIATE`` then ``ROLLBACK``) to prove the file is writable.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.store.db import BUSY_TIMEOUT_MS
from bot.store.migrations import LATEST_VERSION


@dataclass(frozen=True, slots=True)
class StoreHealth:
    ok: bool
    sentence: str  # a fact when ok, else one sentence naming 'storage.database' and the fix


def _writable_folder(path: Path) -> Path | None:
    """The nearest existing folder above ``path`` when the bot could create it there."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


async def inspect(path: Path) -> StoreHealth:
    if not path.exists():
        if _writable_folder(path) is None:
            return StoreHealth(False, f"The setting 'storage.database' names '{path}', in a "
                                      "folder the bot cannot write: give it a folder it owns.")
        return StoreHealth(True, f"{path} is created at the first start")
    try:
        async with aiosqlite.connect(f"file:{path}?mode=rw", uri=True,
                                     isolation_level=None) as conn:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            async with conn.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        return StoreHealth(False, f"The database in 'storage.database' ({path}) cannot be "
                                  f"used ({exc}): check its owner and rights, or restore a "
                                  "backup.")
    version = int(row[0]) if row else 0
    if version > LATEST_VERSION:
        return StoreHealth(False, f"The database in 'storage.database' is at version {version}, "
                                  f"newer than this Relais ({LATEST_VERSION}): upgrade Relais "
                                  "or restore a backup.")
    if version < LATEST_VERSION:
        return StoreHealth(True, f"writable, version {version}: the bot migrates it to "
                                 f"{LATEST_VERSION} at start")
    return StoreHealth(True, f"writable, schema version {version}, the latest")
