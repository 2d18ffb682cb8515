"""The connection: settings, migrations, transactions."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import Database, StoreError, events, open_db
from bot.store.db import LATEST_VERSION, MIGRATIONS, Migration


async def test_fresh_file_gets_every_table_and_settings(db: Database) -> None:
    assert await db.user_version() == LATEST_VERSION
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    names = {r["name"] for r in rows}
    expected = {
        "conversations",
        "handled_events",
        "kv",
        "outbox",
        "tickets",
        "relays",
        "ticket_messages",
        "mediator_names",
        "counters",
        "histograms",
        "satisfaction",
    }
    assert expected <= names
    mode = await db.fetchone("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    fk = await db.fetchone("PRAGMA foreign_keys")
    assert fk is not None and fk[0] == 1
    timeout = await db.fetchone("PRAGMA busy_timeout")
    assert timeout is not None and timeout[0] >= 1000


async def test_reopen_is_idempotent_and_keeps_data(db_path: Path) -> None:
    first = await open_db(db_path)
    await events.kv_set(first, "k", "v")
    await first.close()
    for _ in range(2):
        again = await open_db(db_path)
        assert await again.user_version() == LATEST_VERSION
        assert await events.kv_get(again, "k") == "v"
        await again.close()


async def test_new_migration_applies_on_top_and_only_once(db_path: Path) -> None:
    base = await open_db(db_path)
    await base.close()
    extra = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "test", ("CREATE TABLE extra (x)",)))
    upgraded = await open_db(db_path, migrations=extra)
    assert await upgraded.user_version() == LATEST_VERSION + 1
    await upgraded.close()
    again = await open_db(db_path, migrations=extra)  # would fail if CREATE ran twice
    assert await again.user_version() == LATEST_VERSION + 1
    await again.close()


async def test_failed_migration_leaves_previous_version(db_path: Path) -> None:
    broken = (
        *MIGRATIONS,
        Migration(
            LATEST_VERSION + 1,
            "bad",
            (
                "CREATE TABLE half (x)",
                "THIS IS NOT SQL",
            ),
        ),
    )
    with pytest.raises(sqlite3.OperationalError):
        await open_db(db_path, migrations=broken)
    db = await open_db(db_path)
    assert await db.user_version() == LATEST_VERSION
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    await db.close()


async def test_newer_database_is_refused(db_path: Path) -> None:
    db = await open_db(db_path)
    await db.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    await db.close()
    with pytest.raises(StoreError, match="newer"):
        await open_db(db_path)


async def test_transaction_rolls_back_everything(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await events.kv_set(tx, "a", "1")
            await events.mark_handled(tx, "$e")
            raise RuntimeError("boom")
    assert await events.kv_get(db, "a") is None
    assert not await events.is_handled(db, "$e")


async def test_database_calls_inside_transaction_join_it(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await events.kv_set(db, "joined", "1")  # through the Database, same task
            assert await events.kv_get(db, "joined") == "1"
            raise RuntimeError("boom")
    assert await events.kv_get(db, "joined") is None


async def test_savepoint_failure_keeps_outer_writes(db: Database) -> None:
    async with db.transaction() as tx:
        await events.kv_set(tx, "outer", "1")
        with pytest.raises(ValueError):
            async with tx.transaction() as inner:
                await events.kv_set(inner, "inner", "1")
                raise ValueError
    assert await events.kv_get(db, "outer") == "1"
    assert await events.kv_get(db, "inner") is None


async def test_other_tasks_wait_for_the_transaction(db: Database) -> None:
    """A statement from another task never lands inside someone else's transaction."""
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await events.kv_set(tx, "held", "1")
                entered.set()
                await release.wait()
                raise RuntimeError("rollback")

    async def other() -> None:
        await entered.wait()
        await events.kv_set(db, "other", "1")

    task = asyncio.create_task(holder())
    other_task = asyncio.create_task(other())
    await entered.wait()
    await asyncio.sleep(0.05)
    assert not other_task.done()  # blocked on the lock
    release.set()
    await asyncio.gather(task, other_task)
    assert await events.kv_get(db, "held") is None
    assert await events.kv_get(db, "other") == "1"


async def test_transaction_object_is_dead_after_its_block(db: Database) -> None:
    async with db.transaction() as tx:
        pass
    with pytest.raises(StoreError):
        await tx.execute("SELECT 1")


async def test_sync_token_and_handled_events(db: Database) -> None:
    tokens = events.SyncTokenStore(db)
    assert await tokens.load_token() is None
    await tokens.save_token("s1")
    await tokens.save_token("s2")
    assert await tokens.load_token() == "s2"
    assert await events.mark_handled(db, "$a", now=1000)
    assert not await events.mark_handled(db, "$a", now=2000)
    assert await events.is_handled(db, "$a")
    assert not await events.is_handled(db, "$b")
