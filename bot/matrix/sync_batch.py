"""What one /sync batch brings, handled in sync order: invites (join or decline), members who
leave, timeline events handed to the router, and messages whose room key came late.

Kept apart from the sync loop (transport.py) so the loop reads as the delivery contract alone:
sync, handle the batch here, then save the token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import AsyncClient, JoinError, MegolmEvent, SyncResponse

from bot.matrix import retry, rooms
from bot.matrix.events import Incoming, after_own_join, to_incoming
from bot.matrix.late_keys import LateKeys
from bot.matrix.rooms import RoomPolicy, decide_invite

log = logging.getLogger(__name__)

Handler = Callable[[Incoming], Awaitable[None]]
LeftHandler = Callable[[str], Awaitable[None]]


class SyncBatches:
    """The rooms' memory between batches: where history is to be skipped, which rooms the bot
    left itself, and the events still waiting for a room key."""

    def __init__(self, user_id: str, policy: RoomPolicy, undecryptable_grace_s: float) -> None:
        self.user_id = user_id
        self.policy = policy
        self.mediators_room_id: str | None = None
        self.late = LateKeys(undecryptable_grace_s)
        self.history_rooms: set[str] = set()
        self._self_left: set[str] = set()

    async def handle(self, client: AsyncClient, resp: SyncResponse, on_event: Handler,
                     on_left: LeftHandler) -> None:
        await self.handle_invites(client, resp, first=False)
        for room_id, info in resp.rooms.join.items():
            events = list(info.timeline.events)
            if room_id in self.history_rooms:
                events = after_own_join(events, self.user_id)
            for event in events:
                await self._handle_event(client, room_id, event, on_event, on_left)
        for room_id in resp.rooms.leave:
            if room_id in self._self_left:
                self._self_left.discard(room_id)
                continue
            if room_id == self.mediators_room_id:
                log.error("the bot is no longer in the mediators' room")
                continue
            self.late.drop(room_id)
            await safely(on_left(room_id), "member-left handler")
        for incoming in self.late.ready(client):
            await safely(on_event(incoming), "event handler")

    async def _handle_event(
        self, client: AsyncClient, room_id: str, event: Any, on_event: Handler,
        on_left: LeftHandler,
    ) -> None:
        source: dict[str, Any] = getattr(event, "source", {}) or {}
        sender = getattr(event, "sender", source.get("sender", ""))
        if source.get("type") == "m.room.member":
            await self._member_event(client, room_id, sender, source, on_left)
            return
        if sender == self.user_id:
            return
        if isinstance(event, MegolmEvent):
            await self.late.wait_for_key(client, room_id, event)
            return
        incoming = to_incoming(room_id, event)
        if incoming is not None:
            await safely(on_event(incoming), "event handler")

    async def _member_event(self, client: AsyncClient, room_id: str, sender: str,
                            source: dict[str, Any], on_left: LeftHandler) -> None:
        if sender == self.user_id and source.get("state_key") == self.user_id:
            return
        membership = source.get("content", {}).get("membership")
        if membership in ("leave", "ban") and room_id != self.mediators_room_id:
            if source.get("state_key") == self.user_id:
                return  # we were removed: the leave section of the sync reports it
            log.info("the person left a conversation; leaving it too")
            self.late.drop(room_id)
            await self.leave(client, room_id)
            await safely(on_left(room_id), "member-left handler")

    async def handle_invites(self, client: AsyncClient, resp: SyncResponse, first: bool) -> None:
        for room_id, info in resp.rooms.invite.items():
            inviter, is_direct = rooms.invite_of(info.invite_state, self.user_id)
            decision = decide_invite(
                self.policy, self.mediators_room_id, room_id, inviter, is_direct
            )
            if decision == "decline":
                log.info("declining an invite (not a direct chat, or server not allowed)")
                await self.leave(client, room_id)
                continue
            resp_join = await client.join(room_id)
            if isinstance(resp_join, JoinError):
                log.warning("could not join a room after an invite (%s)", resp_join.status_code)
                continue
            crowded = room_id != self.mediators_room_id and (
                await rooms.member_count(client, room_id) > 2
            )
            if crowded:
                log.info("leaving a room that has more than two members")
                await self.leave(client, room_id)
                continue
            if first or room_id == self.mediators_room_id:
                self.history_rooms.add(room_id)
            log.info("joined a direct chat")

    async def leave(self, client: AsyncClient, room_id: str) -> None:
        self._self_left.add(room_id)
        try:
            await client.room_leave(room_id)
            await client.room_forget(room_id)
        except retry.TRANSIENT as e:
            log.warning("could not leave a room (%s)", retry.describe(e))


async def safely(awaitable: Awaitable[None], what: str) -> None:
    """A failing handler is logged and never stops the sync."""
    try:
        await awaitable
    except asyncio.CancelledError:
        raise
    except Exception as e:
        log.error("%s failed: %s", what, type(e).__name__)
        log.debug("%s failed", what, exc_info=True)
