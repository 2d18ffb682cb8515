"""Event contents the bot sends: always m.notice, always with explicit m.mentions.

m.notice because clients and other bots never auto-answer notices; an explicit empty
``m.mentions`` because without it clients guess pings from the body, and text a person wrote
must never notify a mediator (nor "@room").
"""

from __future__ import annotations

import html
from typing import Any

from bot.present import Message


def notice(message: Message, *, mentions: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "msgtype": "m.notice",
        "body": message.body,
        "format": "org.matrix.custom.html",
        "formatted_body": message.html,
        "m.mentions": {"user_ids": list(mentions)} if mentions else {},
    }


def plain_notice(text: str, *, rtl: bool = False) -> dict[str, Any]:
    body_html = html.escape(text).replace("\n", "<br>")
    if rtl:
        body_html = f'<div dir="rtl">{body_html}</div>'
    return {
        "msgtype": "m.notice",
        "body": text,
        "format": "org.matrix.custom.html",
        "formatted_body": body_html,
        "m.mentions": {},
    }


def inert_text(text: str) -> dict[str, Any]:
    """What a person wrote, as shown to mediators: escaped, no mention can fire.

    ``@room`` gets a zero-width joiner so clients' keyword pings do not match it either.
    """
    defused = text.replace("@room", "@\u2060room").replace("@ROOM", "@\u2060ROOM")
    return {
        "msgtype": "m.text",
        "body": defused,
        "format": "org.matrix.custom.html",
        "formatted_body": html.escape(defused).replace("\n", "<br>"),
        "m.mentions": {},
    }


def in_thread(content: dict[str, Any], root: str, last: str | None = None) -> dict[str, Any]:
    """Put ``content`` in the thread of ``root`` (with the reply fallback clients expect)."""
    return {
        **content,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": last or root},
        },
    }


def edit(content: dict[str, Any], original: str) -> dict[str, Any]:
    """An m.replace edit of ``original`` (the root of a ticket shows who took it)."""
    new = {k: v for k, v in content.items() if k != "m.relates_to"}
    return {
        **new,
        "body": "* " + str(content.get("body", "")),
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }
