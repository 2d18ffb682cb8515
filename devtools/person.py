"""A person's side of Matrix, for the demo and the benchmark: an E2EE client that opens an
encrypted DM with the bot the way Element does, sends text and waits for the bot's replies."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)
from nio.api import RoomPreset


@dataclass
class PersonClient:
    client: AsyncClient
    replies: asyncio.Queue[tuple[str, str, float]] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None

    @classmethod
    async def login(cls, homeserver: str, user_id: str, password: str, store: Path) -> PersonClient:
        store.mkdir(parents=True, exist_ok=True)
        cfg = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
        client = AsyncClient(homeserver, user_id, store_path=str(store), config=cfg)
        resp = await client.login(password, device_name="demo-person")
        if not isinstance(resp, LoginResponse):
            await client.close()
            raise RuntimeError(f"login failed for the demo person: {resp}")
        person = cls(client)
        client.add_event_callback(person._on_message, (RoomMessageText, RoomMessageNotice))
        return person

    def _on_message(self, room: Any, event: Any) -> None:
        if event.sender != self.client.user_id:
            loop = asyncio.get_running_loop()
            self.replies.put_nowait((room.room_id, str(event.body), loop.time()))

    async def start(self) -> None:
        first = await self.client.sync(timeout=0, full_state=True)
        if not isinstance(first, SyncResponse):
            raise RuntimeError("the demo person cannot sync")
        await self._upkeep()
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                resp = await self.client.sync(timeout=1000)
            except Exception:
                await asyncio.sleep(0.5)
                continue
            if isinstance(resp, SyncResponse):
                await self._upkeep()

    async def _upkeep(self) -> None:
        c = self.client
        await c.send_to_device_messages()
        if c.should_upload_keys:
            await c.keys_upload()
        if c.should_query_keys:
            await c.keys_query()
        if c.should_claim_keys:
            await c.keys_claim(c.get_users_for_key_claiming())

    async def open_dm(self, bot: str, timeout: float = 30) -> str:
        resp = await self.client.room_create(
            is_direct=True,
            preset=RoomPreset.trusted_private_chat,
            invite=[bot],
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        if not isinstance(resp, RoomCreateResponse):
            raise RuntimeError(f"cannot create the DM: {resp}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            room = self.client.rooms.get(resp.room_id)
            if (
                room
                and bot in room.users
                and bot not in room.invited_users
                and bot in self.client.device_store.users
            ):
                return str(resp.room_id)
            await asyncio.sleep(0.1)
        raise RuntimeError("the bot did not join the DM in time")

    async def say(self, room_id: str, text: str) -> str:
        await self._upkeep()
        if self.client.should_query_keys:
            await self.client.keys_query()
        resp = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        if not isinstance(resp, RoomSendResponse):
            raise RuntimeError(f"send failed: {resp}")
        return str(resp.event_id)

    async def next_reply(self, timeout: float = 30) -> tuple[str, str, float] | None:
        try:
            return await asyncio.wait_for(self.replies.get(), timeout)
        except TimeoutError:
            return None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await self.client.close()


__all__ = ["MegolmEvent", "PersonClient"]
