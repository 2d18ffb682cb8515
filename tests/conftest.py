"""Shared fixtures: a real Synapse on loopback and Matrix "persons" to talk to the bot.

Nothing here is autouse: tests that never ask for `synapse` never start it. When Synapse is
asked for and cannot start, the tests fail loudly (no skipping): Matrix behaviour is only
tested against a real homeserver. Helpers live in tests/support/.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, AsyncClientConfig, Event, LoginResponse, RoomCreateResponse

from bot.app import App
from bot.config import parse
from bot.store.db import Database, open_db
from tests.support.app import BotProcess, write_config
from tests.support.matrix import (
    PASSWORD,
    REPO,
    BotHandle,
    MemoryTokenStore,
    Person,
    load_synapse_module,
    preset,
    unique,
    wait_until,
)

__all__ = ["PASSWORD", "REPO", "BotHandle", "MemoryTokenStore", "Person", "wait_until"]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh store (real SQLite, migrated) for one test."""
    database = await open_db(tmp_path / "relais.sqlite3")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Synapse for the whole session (SynapseServer from scripts/synapse.py)."""
    mod = load_synapse_module()
    data = tmp_path_factory.mktemp("synapse")
    server = mod.start(data)  # raises (test error) if it cannot install or start
    yield server
    server.stop()


@pytest.fixture
def register_user(synapse: Any) -> Callable[..., str]:
    """register_user("alice") -> "@alice123x4:localhost" (unique, password PASSWORD)."""

    def register(prefix: str = "user", admin: bool = False) -> str:
        return str(synapse.register(unique(prefix), PASSWORD, admin))

    return register


@pytest.fixture
async def make_person(
    synapse: Any, register_user: Callable[..., str], tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[Person]]]:
    """await make_person("alice") -> a logged-in, key-uploaded, syncing Person."""
    persons: list[Person] = []

    async def make(prefix: str = "person", user_id: str | None = None) -> Person:
        uid = user_id or register_user(prefix)
        store = tmp_path / f"nio-{uid.split(':')[0].lstrip('@')}"
        store.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=True)
        client = AsyncClient(synapse.base_url, uid, store_path=str(store), config=config)
        person = Person(client)
        persons.append(person)
        resp = await client.login(PASSWORD, device_name="test-person")
        assert isinstance(resp, LoginResponse), resp
        if client.should_upload_keys:
            await client.keys_upload()
        client.add_event_callback(person._on_event, Event)
        person.task = asyncio.create_task(person._loop())
        await asyncio.wait_for(person.synced.wait(), timeout=20)
        return person

    yield make
    for p in persons:
        if p.task:
            p.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await p.task
        await p.client.close()


@pytest.fixture
async def bot_account(
    register_user: Callable[..., str],
    make_person: Callable[..., Awaitable[Person]],
    tmp_path: Path,
) -> BotHandle:
    """A fresh bot account, invited by a mediator into a fresh (unencrypted) mediators' room."""
    bot_id = register_user("bot")
    mediator = await make_person("mediator")
    resp = await mediator.client.room_create(
        name="Médiateurs", preset=preset("private_chat"), invite=[bot_id]
    )
    assert isinstance(resp, RoomCreateResponse), resp
    return BotHandle(
        bot_id, tmp_path / "bot-store", str(resp.room_id), mediator, MemoryTokenStore()
    )


@pytest.fixture
async def make_transport(
    synapse: Any,
) -> AsyncIterator[Callable[..., Any]]:
    """make_transport(bot_account) -> an unstarted Transport; all are stopped at teardown."""
    from bot.matrix.transport import RoomPolicy, Transport

    made: list[Any] = []
    tasks: list[asyncio.Task[None]] = []

    def make(bot: BotHandle, allowed_servers: tuple[str, ...] = (), **kw: Any) -> Any:
        t = Transport(
            synapse.base_url,
            bot.user_id,
            PASSWORD,
            None,
            "Relais bot",
            bot.store_path,
            RoomPolicy(bot.mediators_room, allowed_servers),
            bot.tokens,
            **kw,
        )
        made.append(t)
        return t

    def spawn(transport: Any, on_event: Any, on_left: Any = None) -> asyncio.Task[None]:
        """Run the transport's sync loop in a task that teardown stops."""

        async def no_left(room_id: str) -> None:
            return None

        task = asyncio.create_task(transport.run(on_event, on_left or no_left))
        tasks.append(task)
        return task

    make.spawn = spawn  # type: ignore[attr-defined]
    yield make
    for t in made:
        if t._client is not None:
            await t.stop()
    for task in tasks:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)


@pytest.fixture
def bot_process(tmp_path: Path) -> Any:
    """bot_process(config_dict) -> an unstarted BotProcess; killed at teardown."""
    made: list[BotProcess] = []

    def make(data: dict[str, Any], name: str = "bot") -> BotProcess:
        cfg = write_config(tmp_path / f"{name}.yaml", data)
        proc = BotProcess(cfg, tmp_path / f"{name}.log")
        made.append(proc)
        return proc

    yield make
    for proc in made:
        proc.cleanup()


@pytest.fixture
async def run_app() -> AsyncIterator[Callable[..., Any]]:
    """await run_app(config_dict, base) -> a started App (in this process), stopped at teardown."""
    running: list[tuple[App, asyncio.Task[None]]] = []

    async def start(data: dict[str, Any], base: Path) -> App:
        app = await App.create(parse(data, base))
        task = asyncio.create_task(app.run())
        running.append((app, task))
        # events sent during a very first sync are history (skipped on purpose): wait past it
        ready = asyncio.create_task(app.transport.ready.wait())
        await asyncio.wait({ready, task}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
        return app

    yield start
    for app, task in running:
        if not task.done():
            await app.stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=15)
