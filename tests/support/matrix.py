"""Helpers for tests against a real Synapse: persons, token store, waiting.

The fixtures (synapse, make_person, bot_account, make_transport, run_app, bot_process) are in
tests/conftest.py; import helpers from here (`from tests.support.matrix import Person,
wait_until`), never from a conftest.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from nio import (
    AsyncClient,
    Event,
    MegolmEvent,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)

REPO = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery staple"
_counter = itertools.count()


def load_synapse_module() -> ModuleType:
    """devtools/synapse.py: SynapseServer, start(), register()."""
    from devtools import synapse

    return synapse


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}x{next(_counter)}"


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
            preset=preset("trusted_private_chat" if direct else "private_chat"),
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


def preset(name: str) -> Any:
    from nio.api import RoomPreset

    return RoomPreset(name)


@dataclass
class BotHandle:
    """What tests need to build Transports for one bot account."""

    user_id: str
    store_path: Path
    mediators_room: str
    mediator: Person
    tokens: MemoryTokenStore


async def wait_until(predicate: Callable[[], bool], timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
        await asyncio.sleep(0.05)
