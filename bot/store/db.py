"""The SQLite connection, its settings, its migrations and its transactions.

One ``Database`` wraps one aiosqlite connection in autocommit mode; transactions are explicit
(``BEGIN IMMEDIATE``) so the router can write conversation state, outbox rows and the handled
event id together or not at all.  Statements from other coroutines wait on a lock meanwhile,
so nothing foreign slips into someone else's transaction.

Repositories (``conversations``, ``tickets``, ...) take anything following the ``Conn``
protocol: the ``Database`` itself or the ``Transaction`` yielded by ``db.transaction()``.
Inside a transaction, calling the ``Database`` from the same task joins that transaction, and
``conn.transaction()`` nests with a SAVEPOINT: a repository function that needs several
statements to be atomic can always open its own transaction, whoever calls it.

Keep transactions short and never await the network inside one: while it is open, every other
coroutine's store access waits.  Send from the outbox after the commit instead.

Migrations are numbered and append-only (never edit a published one): each runs in its own
transaction and bumps ``PRAGMA user_version`` in it, so a crash mid-upgrade leaves the file at
the previous version, never half-way.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Protocol, TypeAlias, TypeVar

import aiosqlite

from bot.store.migrations import LATEST_VERSION, MIGRATIONS, Migration

_T = TypeVar("_T")

log = logging.getLogger(__name__)

Param: TypeAlias = str | int | float | bytes | None
Params: TypeAlias = Sequence[Param]
Row: TypeAlias = sqlite3.Row

__all__ = ["LATEST_VERSION", "MIGRATIONS", "Conn", "Database", "Migration", "open_db"]

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The store cannot be used as it is (e.g. written by a newer version of Relais)."""


class Conn(Protocol):
    """What repositories need: the ``Database`` or an open ``Transaction``."""

    async def execute(self, sql: str, params: Params = ()) -> int: ...

    async def insert(self, sql: str, params: Params = ()) -> int: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    def transaction(self) -> AbstractAsyncContextManager[Conn]: ...


def _check_migrations(migrations: Sequence[Migration]) -> None:
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise StoreError(f"migration {migration.version} out of order (expected {expected})")


# --------------------------------------------------------------------------- connection

_current: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
    "relais_store_tx", default=None
)


async def _rowcount(cursor: aiosqlite.Cursor) -> int:
    return int(cursor.rowcount)


async def _rowid(cursor: aiosqlite.Cursor) -> int:
    rowid = cursor.lastrowid
    if rowid is None:
        raise StoreError("insert did not return a row id")
    return int(rowid)


async def _rows(cursor: aiosqlite.Cursor) -> list[Row]:
    return list(await cursor.fetchall())


class _Runner:
    """Statement helpers shared by ``Database`` and ``Transaction``: run, read what the
    caller needs from the cursor (``read``), and always close it."""

    _conn: aiosqlite.Connection

    async def _run(self, sql: str, params: Params,
                   read: Callable[[aiosqlite.Cursor], Awaitable[_T]]) -> _T:
        cursor = await self._conn.execute(sql, tuple(params))
        try:
            return await read(cursor)
        finally:
            await cursor.close()


class Transaction(_Runner):
    """An open transaction (or savepoint) on a ``Database``; valid only inside its block."""

    _ids = itertools.count(1)

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn = db._conn
        self.active = True

    @property
    def database(self) -> Database:
        return self._db

    def _check(self) -> None:
        if not self.active:
            raise StoreError("transaction used after its block ended")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        self._check()
        return await self._run(sql, params, _rowcount)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; returns the new row id."""
        self._check()
        return await self._run(sql, params, _rowid)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        self._check()
        return await self._run(sql, params, _rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A savepoint inside this transaction: its failure undoes only its own writes."""
        self._check()
        name = f"sp{next(self._ids)}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")


class Database(_Runner):
    """The bot's SQLite file. Open it with ``open_db``; close it with ``close()``."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    def _joined(self) -> Transaction | None:
        """The transaction of the current task on this database, if any."""
        tx = _current.get()
        if tx is not None and tx.active and tx.database is self:
            return tx
        return None

    async def _alone_or_joined(self, sql: str, params: Params,
                               read: Callable[[aiosqlite.Cursor], Awaitable[_T]]) -> _T:
        """Inside the current task's transaction if there is one, else alone under the lock:
        a statement never interleaves with another task's transaction."""
        tx = self._joined()
        if tx is not None:
            tx._check()
            return await tx._run(sql, params, read)
        async with self._lock:
            return await self._run(sql, params, read)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement (joining the current transaction if there is one)."""
        return await self._alone_or_joined(sql, params, _rowcount)

    async def insert(self, sql: str, params: Params = ()) -> int:
        return await self._alone_or_joined(sql, params, _rowid)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._alone_or_joined(sql, params, _rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back.

        IMMEDIATE takes the write lock at once, so two processes (or two connections) never
        both read-then-write and fail at commit time; the loser waits ``busy_timeout``.
        """
        outer = self._joined()
        if outer is not None:
            async with outer.transaction() as nested:
                yield nested
            return
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self)
            token = _current.set(tx)
            try:
                yield tx
            except BaseException:
                tx.active = False
                await self._conn.execute("ROLLBACK")
                raise
            else:
                tx.active = False
                await self._conn.execute("COMMIT")
            finally:
                tx.active = False
                _current.reset(token)

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row is not None else 0

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def _migrate(db: Database, migrations: Sequence[Migration]) -> int:
    _check_migrations(migrations)
    latest = migrations[-1].version if migrations else 0
    current = await db.user_version()
    if current > latest:
        raise StoreError(
            f"database {db.path} is at schema version {current}, newer than this Relais "
            f"({latest}); upgrade Relais or restore a backup"
        )
    for migration in migrations:
        if migration.version <= current:
            continue
        async with db.transaction() as tx:
            # re-read under the write lock: another process may have just migrated
            row = await tx.fetchone("PRAGMA user_version")
            if row is not None and int(row[0]) >= migration.version:
                continue
            for statement in migration.statements:
                await tx.execute(statement)
            await tx.execute(f"PRAGMA user_version = {migration.version:d}")
        log.info("store: applied migration %d (%s)", migration.version, migration.description)
    return await db.user_version()


async def open_db(path: str | Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> Database:
    """Open (creating if needed) the bot's SQLite file and bring its schema up to date."""
    path_str = str(path)
    if path_str != ":memory:":
        Path(path_str).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path_str, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # deleted rows are overwritten, not left in free pages: forgetting must really forget
        await conn.execute("PRAGMA secure_delete = ON")
        db = Database(conn, path_str)
        await _migrate(db, migrations)
    except BaseException:
        await conn.close()
        raise
    return db
