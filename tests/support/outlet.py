"""A fake outlet: what the router and the sender need from the transport, without Matrix.

In the spirit of httpx's ``MockTransport``: a handler function receives each send and returns
the event id (or raises, to play an outage). Every call is recorded, so a test asserts on what
was sent, in which order, with which transaction id.

    outlet = FakeOutlet()                        # every send succeeds
    outlet = FakeOutlet(fail_first(2))           # the first two sends raise, then it works
    outlet = FakeOutlet(lambda send: "$fixed")   # any handler of a Send
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class SendFailed(RuntimeError):
    """What a failing handler raises (stands for a homeserver outage)."""


@dataclass(frozen=True)
class Send:
    room_id: str
    content: dict[str, Any]
    txn_id: str

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))


Handler = Callable[[Send], str]


def fail_first(n: int) -> Handler:
    """A handler whose first `n` sends raise SendFailed; later ones succeed."""
    counter = itertools.count()
    ids = itertools.count(1)

    def handler(send: Send) -> str:
        if next(counter) < n:
            raise SendFailed("homeserver unreachable")
        return f"$sent{next(ids)}"

    return handler


def always_fail(send: Send) -> str:
    raise SendFailed("homeserver unreachable")


@dataclass
class FakeOutlet:
    """Implements bot.router.Outlet; records attempts, successful sends, receipts, typing."""

    handler: Handler | None = None
    user_id: str = "@relais:test"
    attempts: list[Send] = field(default_factory=list)
    sent: list[Send] = field(default_factory=list)
    receipts: list[tuple[str, str]] = field(default_factory=list)
    typings: list[tuple[str, bool]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        send = Send(room_id, dict(content), txn_id)
        self.attempts.append(send)
        event_id = self.handler(send) if self.handler else f"$event{next(self._ids)}"
        self.sent.append(send)
        return event_id

    async def typing(self, room_id: str, on: bool) -> None:
        self.typings.append((room_id, on))

    async def read_receipt(self, room_id: str, event_id: str) -> None:
        self.receipts.append((room_id, event_id))

    async def relay_media(self, media: Any, to_room: str) -> dict[str, Any]:
        return {"msgtype": media.msgtype, "body": media.body, "url": "mxc://test/relayed"}

    async def members(self, room_id: str) -> dict[str, int]:
        return {}

    def bodies(self, room_id: str | None = None) -> list[str]:
        """What was sent (successfully), in order, optionally to one room."""
        return [s.body for s in self.sent if room_id is None or s.room_id == room_id]
