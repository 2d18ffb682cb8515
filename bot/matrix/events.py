"""Matrix events as plain values: what the router sees of a room event (no nio here).

`to_incoming` reads the event's JSON (the `source` dict nio keeps, or the dict itself), so it is
tested on JSON fixtures (`tests/matrix/events/*.json`) without a homeserver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

MEDIA_MSGTYPES = frozenset({"m.image", "m.file", "m.audio", "m.video"})
TEXT_MSGTYPES = frozenset({"m.text", "m.emote"})


@dataclass(frozen=True)
class Media:
    """Enough to re-send an image or file elsewhere (see `Transport.relay_media`)."""

    msgtype: str
    body: str
    mimetype: str | None
    size: int | None
    url: str | None  # mxc:// for unencrypted media
    file: Mapping[str, Any] | None  # EncryptedFile dict for encrypted rooms


@dataclass(frozen=True)
class Incoming:
    """One event from a joined room, reduced to what the router needs."""

    room_id: str
    sender: str
    event_id: str
    origin_ts: int
    kind: Literal["text", "media", "reaction", "undecryptable"]
    body: str = ""
    thread_root: str | None = None
    reply_to: str | None = None
    reacts_to: str | None = None
    key: str | None = None
    media: Media | None = None


def to_incoming(room_id: str, event: Any) -> Incoming | None:
    """Reduce a (decrypted) event to an Incoming; None for what the bot ignores.

    `event` is the event's JSON dict, or a nio event (its `source` is that dict).
    Ignored: notices (bots never answer bots), edits, redactions, state and unknown types.
    """
    source: Mapping[str, Any] = event if isinstance(event, Mapping) else (
        getattr(event, "source", {}) or {}
    )
    content = source.get("content") or {}
    if not isinstance(content, dict):
        return None
    rel = content.get("m.relates_to") or {}
    if not isinstance(rel, dict):
        rel = {}
    base: dict[str, Any] = {
        "room_id": room_id,
        "sender": str(source.get("sender") or getattr(event, "sender", "")),
        "event_id": str(source.get("event_id") or getattr(event, "event_id", "")),
        "origin_ts": int(
            source.get("origin_server_ts") or getattr(event, "server_timestamp", 0) or 0
        ),
    }
    etype = source.get("type")
    if etype == "m.reaction":
        if rel.get("rel_type") != "m.annotation":
            return None
        return Incoming(**base, kind="reaction", reacts_to=rel.get("event_id"), key=rel.get("key"))
    if etype != "m.room.message" or rel.get("rel_type") == "m.replace":
        return None
    return _message(base, content, rel)


def _message(base: dict[str, Any], content: dict[str, Any], rel: dict[str, Any]) -> Incoming | None:
    """An m.room.message: text or media (anything else, notices included, is ignored)."""
    thread_root = rel.get("event_id") if rel.get("rel_type") == "m.thread" else None
    in_reply = rel.get("m.in_reply_to") or {}
    reply_to = None
    if isinstance(in_reply, dict) and not rel.get("is_falling_back"):
        reply_to = in_reply.get("event_id")
    msgtype = content.get("msgtype")
    body = content.get("body")
    body = body if isinstance(body, str) else ""
    if msgtype in TEXT_MSGTYPES:
        return Incoming(
            **base,
            kind="text",
            body=_strip_reply_fallback(body) if reply_to else body,
            thread_root=thread_root,
            reply_to=reply_to,
        )
    if msgtype not in MEDIA_MSGTYPES:
        return None
    media = _media(str(msgtype), body, content)
    if media is None:
        return None
    caption = content.get("caption") if isinstance(content.get("caption"), str) else None
    return Incoming(
        **base,
        kind="media",
        body=caption or body,
        thread_root=thread_root,
        reply_to=reply_to,
        media=media,
    )


def _media(msgtype: str, body: str, content: dict[str, Any]) -> Media | None:
    info = content.get("info") or {}
    size = info.get("size") if isinstance(info, dict) else None
    mimetype = info.get("mimetype") if isinstance(info, dict) else None
    file = content.get("file") if isinstance(content.get("file"), dict) else None
    url = content.get("url") if isinstance(content.get("url"), str) else None
    if file is None and url is None:
        return None
    return Media(
        msgtype=msgtype,
        body=body,
        mimetype=str(mimetype) if mimetype else None,
        size=int(size) if isinstance(size, int) else None,
        url=url,
        file=file,
    )


def _strip_reply_fallback(body: str) -> str:
    """Drop the '> quoted' lines that older clients put before a reply's text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    return "\n".join(lines[i:]).lstrip("\n")


def after_own_join(events: list[Any], user_id: str) -> list[Any]:
    """Events after our own join (rooms whose earlier history is not for us)."""
    for i in range(len(events) - 1, -1, -1):
        src = getattr(events[i], "source", {}) or {}
        if (
            src.get("type") == "m.room.member"
            and src.get("state_key") == user_id
            and src.get("content", {}).get("membership") == "join"
        ):
            return events[i + 1 :]
    return events
