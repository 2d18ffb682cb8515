"""Rooms: which ones the bot lives in (pure invite policy), and who may act in them.

Power levels are asked to the server each time (always current), with the room-version-12
rule that creators outrank everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from nio import AsyncClient

from bot.matrix.errors import SendError
from bot.matrix.http import matrix_request

#: Stands for the unbounded power of room creators in room versions >= 12.
CREATOR_POWER_LEVEL = 2**53 - 1


@dataclass(frozen=True)
class RoomPolicy:
    """Which rooms the bot lives in: DMs from allowed servers, plus the mediators' room."""

    mediators_room: str  # room id or alias; resolved at start
    allowed_servers: tuple[str, ...] = ()  # empty = every server

    def server_allowed(self, user_id: str) -> bool:
        if not self.allowed_servers:
            return True
        _, _, server = user_id.partition(":")
        return server in self.allowed_servers


InviteDecision = Literal["join", "decline"]


def decide_invite(
    policy: RoomPolicy,
    mediators_room_id: str | None,
    room_id: str,
    inviter: str,
    is_direct: bool,
) -> InviteDecision:
    """The whole invite policy in one pure function (tested without a homeserver)."""
    if mediators_room_id is not None and room_id == mediators_room_id:
        return "join"
    if not policy.server_allowed(inviter):
        return "decline"
    return "join" if is_direct else "decline"


async def members(client: AsyncClient, room_id: str) -> dict[str, int]:
    """Joined members and their power levels, asked to the server (always current).

    From room version 12 on, room creators (the creator and `additional_creators`, which
    trusted_private_chat fills with the invitees) outrank everyone: they get
    CREATOR_POWER_LEVEL.
    """
    room = quote(room_id, safe="")
    status, state = await matrix_request(
        client, "GET", f"/_matrix/client/v3/rooms/{room}/state"
    )
    if status != 200:
        raise SendError(f"cannot read the room state: HTTP {status}")
    joined: list[str] = []
    levels: dict[str, Any] = {}
    creators: set[str] = set()
    for ev in state.get("chunk", []):
        etype, content = ev.get("type"), ev.get("content") or {}
        if etype == "m.room.member" and content.get("membership") == "join":
            joined.append(str(ev.get("state_key")))
        elif etype == "m.room.power_levels":
            levels = content
        elif etype == "m.room.create" and _creators_have_power(content):
            creators = {str(ev.get("sender"))} | set(content.get("additional_creators", []))
    users = levels.get("users", {})
    default = int(levels.get("users_default", 0))
    return {
        u: CREATOR_POWER_LEVEL if u in creators else int(users.get(u, default)) for u in joined
    }


async def display_name(client: AsyncClient, user_id: str) -> str | None:
    status, payload = await matrix_request(
        client,
        "GET",
        f"/_matrix/client/v3/profile/{quote(user_id, safe='')}/displayname",
    )
    name = payload.get("displayname") if status == 200 else None
    return str(name) if name else None


def _creators_have_power(create_content: Mapping[str, Any]) -> bool:
    """MSC4289 (room version 12 and later): creators have infinite power."""
    version = str(create_content.get("room_version", "1"))
    return version.isdigit() and int(version) >= 12


def invite_of(invite_state: list[Any], user_id: str) -> tuple[str, bool]:
    """(who invited us, whether they marked the room as a direct chat) from an invite."""
    inviter, is_direct = "", False
    for ev in invite_state:
        src = getattr(ev, "source", {}) or {}
        if src.get("type") == "m.room.member" and src.get("state_key") == user_id:
            inviter = src.get("sender", "")
            # nio pops "content" out of invite events' source into an attribute
            content = getattr(ev, "content", None) or src.get("content") or {}
            is_direct = bool(content.get("is_direct"))
    return inviter, is_direct


async def member_count(client: AsyncClient, room_id: str) -> int:
    """Members who joined or are invited (a DM has two)."""
    status, payload = await matrix_request(
        client, "GET", f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/members"
    )
    if status != 200:
        return 0
    return sum(
        1
        for ev in payload.get("chunk", [])
        if ev.get("content", {}).get("membership") in ("join", "invite")
    )
