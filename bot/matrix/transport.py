"""The bot's door to Matrix: the device's start-up, the sync loop, sending.

Only bot/matrix/ imports nio. Beside this module: session.py (login, credentials, stale
devices, the mediators' room), crosssign.py (the device's identity), http.py (raw requests,
user-interactive auth), retry.py (outages), rooms.py (invite policy, power levels), media.py,
sending.py (one event, retried with its transaction id), late_keys.py (room keys that come late),
sync_batch.py (what one sync brings: invites, leaves, events), events.py (`Incoming`, pure),
errors.py (typed start-up errors). The rest of the bot sees plain values (`Incoming`,
`Media`) and event content dicts.

Delivery contract (what makes "exactly one reply per message" possible across crashes):
events are handed to `on_event` one by one in sync order and awaited; the sync token is saved
only after a whole sync batch was handled. A crash therefore redelivers the unfinished batch;
the router remembers handled event ids and `send` reuses transaction ids.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from nio import (
    AsyncClient,
    AsyncClientConfig,
    SyncResponse,
)

from bot.matrix import crosssign, retry, rooms, sending, session
from bot.matrix import media as media_io
from bot.matrix.errors import SendError
from bot.matrix.events import Incoming, Media
from bot.matrix.rooms import CREATOR_POWER_LEVEL, RoomPolicy, decide_invite
from bot.matrix.sync_batch import Handler, LeftHandler, SyncBatches

log = logging.getLogger(__name__)

#: How long an undecryptable event waits for its room key before being delivered as such.
UNDECRYPTABLE_GRACE_S = 15.0
SYNC_TIMEOUT_MS = 30_000


__all__ = [
    "CREATOR_POWER_LEVEL",
    "Incoming",
    "Media",
    "RoomPolicy",
    "SendError",
    "Transport",
    "decide_invite",
]


class SyncTokenStore(Protocol):
    async def load_token(self) -> str | None: ...

    async def save_token(self, token: str) -> None: ...


class Transport:
    """A logged-in Matrix device for the bot. See the module docstring for the contract."""

    def __init__(
        self,
        homeserver: str,
        user_id: str,
        password: str | None,
        access_token: str | None,
        device_name: str,
        store_path: Path | str,
        policy: RoomPolicy,
        token_store: SyncTokenStore,
        *,
        undecryptable_grace_s: float = UNDECRYPTABLE_GRACE_S,
        sync_timeout_ms: int = SYNC_TIMEOUT_MS,
    ) -> None:
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self._password = password
        self.device_name = device_name
        self.store_path = Path(store_path)
        self.policy = policy
        self.token_store = token_store
        self.undecryptable_grace_s = undecryptable_grace_s
        self.sync_timeout_ms = sync_timeout_ms
        self.account = session.Account(
            self.homeserver, user_id, password, access_token, device_name, self.store_path
        )
        self.cross_signed = False
        self._client: AsyncClient | None = None
        self._batches = SyncBatches(user_id, policy, undecryptable_grace_s)
        self._synced = asyncio.Event()
        # set once the first sync is handled: from then on every new event gets an answer
        # (before it, on a very first start, what arrives is history and is skipped)
        self.ready = asyncio.Event()
        self._outages: dict[str, retry.Outage] = {}
        self._stopping = False
        self._sync_task: asyncio.Task[Any] | None = None
        self._run_done = asyncio.Event()
        self._run_done.set()

    # ------------------------------------------------------------------ lifecycle

    @property
    def client(self) -> AsyncClient:
        if self._client is None:
            raise RuntimeError("Transport.start() was not called")
        return self._client

    @property
    def mediators_room_id(self) -> str | None:
        return self._batches.mediators_room_id

    @property
    def device_id(self) -> str | None:
        return self._client.device_id if self._client else None

    async def start(self) -> None:
        """Log in once (or restore the device), load E2EE, cross-sign, join the mediators."""
        self.store_path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.store_path, 0o700)
        nio_log = logging.getLogger("nio")
        if nio_log.level == logging.NOTSET:
            # nio logs user, device and room ids at INFO/WARNING; ours never do.
            nio_log.setLevel(logging.ERROR)
        config = AsyncClientConfig(
            store_sync_tokens=False,
            encryption_enabled=True,
            max_timeouts=0,  # our loops do the retrying, with one log line per outage
            max_limit_exceeded=5,
            request_timeout=30,
        )
        client = AsyncClient(
            self.homeserver, self.user_id, store_path=str(self.store_path), config=config
        )
        self._client = client
        fresh_login = await self.account.login(client, self._retry)
        if client.should_upload_keys:
            await self._retry("keys upload", client.keys_upload)
        self.cross_signed = await self._retry(
            "cross-signing", lambda: crosssign.bootstrap(client, self.store_path, self._password)
        )
        if fresh_login:
            await self.account.remove_stale_devices(client)
        room_id, joined = await session.join_mediators_room(
            client, self.policy.mediators_room, self._retry
        )
        self._batches.mediators_room_id = room_id
        if joined:
            self._batches.history_rooms.add(room_id)

    async def _retry(self, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """Retry a start-up request through outages, for ever (start waits for the server)."""
        return await retry.until_up(self._outage(f"homeserver ({what})"), call)

    async def stop(self) -> None:
        """Finish the batch being handled, then close. Never logs out: the device is kept."""
        self._stopping = True
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()
        try:
            await asyncio.wait_for(self._run_done.wait(), timeout=30)
        except TimeoutError:
            log.warning("the sync loop did not stop within 30 s")
        if self._client is not None:
            await self._client.close()

    # ------------------------------------------------------------------ sync loop

    def _filter(self, limit: int) -> dict[str, Any]:
        return {
            "room": {"timeline": {"limit": limit}, "state": {"lazy_load_members": False}},
            "presence": {"not_types": ["*"]},
            "account_data": {"not_types": ["*"]},
        }

    async def _sync_once(
        self, since: str | None, timeout_ms: int, full_state: bool, limit: int
    ) -> SyncResponse:
        """One /sync, retried through outages (with backoff) until it succeeds."""
        client = self.client
        outage = retry.Outage()
        while True:
            self._sync_task = asyncio.ensure_future(
                client.sync(
                    timeout=timeout_ms,
                    sync_filter=self._filter(limit),
                    since=since,
                    full_state=full_state,
                )
            )
            try:
                resp = await self._sync_task
            except asyncio.CancelledError:
                if self._stopping:
                    raise _Stopped() from None
                raise
            except retry.TRANSIENT as e:
                await asyncio.sleep(outage.failed(e))
                continue
            finally:
                self._sync_task = None
            if isinstance(resp, SyncResponse):
                outage.ok()
                return resp
            code = str(getattr(resp, "status_code", ""))
            if code == "M_UNKNOWN_TOKEN":
                raise RuntimeError("the access token was revoked; restart the bot to log in again")
            await asyncio.sleep(outage.failed(f"sync error {code or 'unknown'}"))

    async def _after_sync(self) -> None:
        """What nio's sync_forever does between syncs: to-device messages and key upkeep."""
        client = self.client
        try:
            await client.send_to_device_messages()
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
        except retry.TRANSIENT as e:
            log.debug("key upkeep failed (%s); will retry after the next sync", retry.describe(e))

    async def run(self, on_event: Handler, on_member_left: LeftHandler) -> None:
        """Sync until `stop()`; see the module docstring for the delivery contract."""
        self._run_done.clear()
        try:
            await self._run(on_event, on_member_left)
        except _Stopped:
            pass
        finally:
            self._run_done.set()

    async def _run(self, on_event: Handler, on_member_left: LeftHandler) -> None:
        token = await self.token_store.load_token()
        # Very first start: whatever happened before is history, not questions to answer.
        first_start = token is None
        since, full_state = token, True  # full state once: nio keeps no room state on disk
        outage = retry.Outage(what="homeserver (handling)")
        while not self._stopping:
            timeout = 0 if full_state else self.sync_timeout_ms
            if self._batches.late:
                soonest = self._batches.late.seconds_to_next_deadline()
                timeout = max(0, min(timeout, int(soonest * 1000) + 50))
            resp = await self._sync_once(
                since, timeout, full_state, limit=1 if first_start else 100
            )
            await self._after_sync()
            try:
                if first_start:
                    await self._batches.handle_invites(self.client, resp, first=True)
                else:
                    await self._batches.handle(self.client, resp, on_event, on_member_left)
            except retry.TRANSIENT as e:
                # Not saved: the same batch comes again from the last saved token.
                await asyncio.sleep(outage.failed(e))
                full_state = True
                continue
            outage.ok()
            self._batches.history_rooms.difference_update(resp.rooms.join)
            await self.token_store.save_token(resp.next_batch)
            if first_start:
                log.info("first start: history skipped")
            first_start = False
            since, full_state = resp.next_batch, False
            self.ready.set()
            self._synced.set()
            self._synced.clear()

    # ------------------------------------------------------------------ actions

    async def _known_room(self, room_id: str, wait_s: float = 10.0) -> None:
        """Sending needs nio to know the room's state (is it encrypted?): wait for a sync."""
        deadline = time.monotonic() + wait_s
        while room_id not in self.client.rooms and time.monotonic() < deadline:
            try:
                await asyncio.wait_for(self._synced.wait(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
            await asyncio.sleep(0)
        if room_id not in self.client.rooms:
            raise SendError("the room is not (yet) known to the bot")

    def _outage(self, what: str) -> retry.Outage:
        """One shared tracker per kind of call: concurrent sends make one warning, not one each."""
        return self._outages.setdefault(what, retry.Outage(what=what))

    async def send(
        self,
        room_id: str,
        content: dict[str, Any],
        txn_id: str,
        event_type: str = "m.room.message",
    ) -> str:
        """Send (encrypted when the room is) and return the event id.

        Retries reuse `txn_id`, so the homeserver deduplicates: a retry after a lost response
        never makes a second message.
        """
        await self._known_room(room_id)
        return await sending.send_event(
            self.client, room_id, event_type, content, txn_id, self._outage("homeserver (send)")
        )

    async def typing(self, room_id: str, on: bool) -> None:
        try:
            await self.client.room_typing(room_id, typing_state=on, timeout=30_000)
        except retry.TRANSIENT as e:
            log.debug("typing notice failed (%s)", retry.describe(e))

    async def read_receipt(self, room_id: str, event_id: str) -> None:
        try:
            await self.client.room_read_markers(room_id, event_id, event_id)
        except retry.TRANSIENT as e:
            log.debug("read receipt failed (%s)", retry.describe(e))

    async def members(self, room_id: str) -> dict[str, int]:
        """Joined members and their power levels (see bot/matrix/rooms.py)."""
        return await rooms.members(self.client, room_id)

    async def display_name(self, user_id: str) -> str | None:
        return await rooms.display_name(self.client, user_id)

    def is_encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room and room.encrypted)

    async def download(self, media: Media) -> bytes:
        return await media_io.download(self.client, media)

    async def upload(
        self, room_id: str, data: bytes, mimetype: str | None, filename: str
    ) -> tuple[str | None, dict[str, Any] | None]:
        """Upload for `room_id`: returns (url, None) in clear rooms, (None, file) in encrypted."""
        return await media_io.upload(self.client, self.is_encrypted(room_id), data, mimetype,
                                     filename)

    async def relay_media(self, media: Media, to_room: str) -> dict[str, Any]:
        """Content for re-sending `media` into `to_room` (add relations, then `send`)."""
        return await media_io.relay(self.client, media, self.is_encrypted(to_room))


class _Stopped(Exception):
    """Internal: the sync was cancelled by stop()."""
