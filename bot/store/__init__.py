"""Persistent store: one SQLite file, explicit SQL, rows returned as frozen dataclasses.

Only this package imports aiosqlite.  Repositories are modules of async functions taking a
``Conn`` (the ``Database`` or a ``Transaction``) as first argument.
"""

from bot.store.db import Conn, Database, StoreError, Transaction, open_db

__all__ = ["Conn", "Database", "StoreError", "Transaction", "open_db"]
