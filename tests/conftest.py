"""Shared fixtures: a real Synapse on loopback and Matrix "persons" to talk to the bot.

Nothing here is autouse: tests that never ask for `synapse` never start it. When Synapse is
asked for and cannot start, the tests fail loudly (no skipping): Matrix behaviour is only
tested against a real homeserver.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `pytest` (not `python -m pytest`) must import bot/ too
    sys.path.insert(0, str(REPO))
PASSWORD = "correct horse battery staple"
_counter = itertools.count()


def load_synapse_module() -> ModuleType:
    """scripts/ is not a package: load scripts/synapse.py from its path."""
    name = "relais_scripts_synapse"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "synapse.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Synapse for the whole session (SynapseServer from scripts/synapse.py)."""
    mod = load_synapse_module()
    data = tmp_path_factory.mktemp("synapse")
    server = mod.start(data)  # raises (test error) if it cannot install or start
    yield server
    server.stop()


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}x{next(_counter)}"


@pytest.fixture
def register_user(synapse: Any) -> Callable[..., str]:
    """register_user("alice") -> "@alice123x4:localhost" (unique, password PASSWORD)."""

    def register(prefix: str = "user", admin: bool = False) -> str:
        return str(synapse.register(unique(prefix), PASSWORD, admin))

    return register


class MemoryTokenStore:
    """SyncTokenStore kept in memory; share one instance across restarts of a Transport."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.saves = 0

    async def load_token(self) -> str | None:
        return self.token

    async def save_token(self, token: str) -> None:
        self.token = token
        self.saves += 1


@dataclass
class Person:
    """A human on a nio client with its own E2EE store, syncing in the background."""

    client: AsyncClient
    events: list[tuple[str, Any]] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task[None] | None = None
    new_event: asyncio.Event = field(default_factory=asyncio.Event)
    synced: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def user_id(self) -> str:
        return str(self.client.user_id)

    async def _loop(self) -> None:
        while True:
            try:
                resp = await self.client.sync(
                    timeout=1000, full_state=self.client.next_batch is None
                )
            except Exception:
                await asyncio.sleep(0.5)
                continue
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.5)
                continue
            async with self.lock:
                await self._upkeep()
            self.synced.set()
            self.synced.clear()

    async def _upkeep(self) -> None:
        c = self.client
        await c.send_to_device_messages()
        if c.should_upload_keys:
            await c.keys_upload()
        if c.should_query_keys:
            await c.keys_query()
        if c.should_claim_keys:
            await c.keys_claim(c.get_users_for_key_claiming())

    def _on_event(self, room: Any, event: Event) -> None:
        self.events.append((room.room_id, event))
        self.new_event.set()

    async def create_dm(
        self, invitee: str | list[str], encrypted: bool = True, direct: bool = True
    ) -> str:
        """An encrypted DM like Element makes (trusted_private_chat, is_direct)."""
        invite = [invitee] if isinstance(invitee, str) else invitee
        initial_state = []
        if encrypted:
            initial_state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        resp = await self.client.room_create(
            is_direct=direct,
            preset=_preset("trusted_private_chat" if direct else "private_chat"),
            invite=invite,
            initial_state=initial_state,
        )
        assert isinstance(resp, RoomCreateResponse), resp
        await self.wait_room(resp.room_id)
        return str(resp.room_id)

    async def wait_room(self, room_id: str, timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while room_id not in self.client.rooms:
            assert time.monotonic() < deadline, "room never appeared in the person's sync"
            await asyncio.sleep(0.05)
        return self.client.rooms[room_id]

    async def membership(self, room_id: str, user_id: str) -> str | None:
        from urllib.parse import quote

        from bot.matrix.crosssign import matrix_request

        status, payload = await matrix_request(
            self.client,
            "GET",
            f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/state/m.room.member/"
            f"{quote(user_id, safe='')}",
        )
        return str(payload.get("membership")) if status == 200 else None

    async def wait_membership(
        self, room_id: str, user_id: str, membership: str, timeout: float = 20
    ) -> None:
        deadline = time.monotonic() + timeout
        while (got := await self.membership(room_id, user_id)) != membership:
            assert time.monotonic() < deadline, f"{user_id} is {got}, expected {membership}"
            await asyncio.sleep(0.1)

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 20) -> None:
        """Until this person's client saw `user_id` join and knows their device keys."""
        deadline = time.monotonic() + timeout
        while True:
            room = self.client.rooms.get(room_id)
            joined = (
                room is not None and user_id in room.users and user_id not in room.invited_users
            )
            if joined and user_id in self.client.device_store.users:
                return
            assert time.monotonic() < deadline, f"{user_id} did not join {room_id} in time"
            await asyncio.sleep(0.05)

    async def send_text(self, room_id: str, text: str, msgtype: str = "m.text") -> str:
        async with self.lock:
            await self._upkeep()
            resp = await self.client.room_send(
                room_id,
                "m.room.message",
                {"msgtype": msgtype, "body": text},
                ignore_unverified_devices=True,
            )
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def send_content(self, room_id: str, content: dict[str, Any]) -> str:
        async with self.lock:
            await self._upkeep()
            resp = await self.client.room_send(
                room_id, "m.room.message", content, ignore_unverified_devices=True
            )
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def wait_message(
        self,
        room_id: str,
        sender: str,
        predicate: Callable[[Any], bool] = lambda e: True,
        timeout: float = 20,
    ) -> Any:
        """The first decrypted message event from `sender` in `room_id` matching `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for rid, event in self.events:
                if (
                    rid == room_id
                    and event.sender == sender
                    and not isinstance(event, MegolmEvent)
                    and event.source.get("type") == "m.room.message"
                    and predicate(event)
                ):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [(r, type(e).__name__, getattr(e, "body", None)) for r, e in self.events]
                raise AssertionError(f"no matching message from {sender}; saw {seen}")
            self.new_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.new_event.wait(), timeout=min(remaining, 0.5))

    def bodies(self, room_id: str, sender: str) -> list[str]:
        return [
            str(getattr(e, "body", ""))
            for r, e in self.events
            if r == room_id
            and e.sender == sender
            and not isinstance(e, MegolmEvent)
            and e.source.get("type") == "m.room.message"
        ]


def _preset(name: str) -> Any:
    from nio.api import RoomPreset

    return RoomPreset(name)


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


@dataclass
class BotHandle:
    """What tests need to build Transports for one bot account."""

    user_id: str
    store_path: Path
    mediators_room: str
    mediator: Person
    tokens: MemoryTokenStore


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
        name="Médiateurs", preset=_preset("private_chat"), invite=[bot_id]
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


async def wait_until(predicate: Callable[[], bool], timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
        await asyncio.sleep(0.05)
