"""Messages whose room key has not arrived yet ("unable to decrypt").

The key is requested at once; after each sync the message is tried again. If it still cannot
be read after the grace period, it is delivered as an `Incoming` of kind "undecryptable" and
the router asks the person to send it again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from nio import AsyncClient, LocalProtocolError, MegolmEvent

from bot.matrix import retry
from bot.matrix.events import Incoming, to_incoming

log = logging.getLogger("bot.matrix.transport")


@dataclass
class _Pending:
    event: MegolmEvent
    room_id: str
    deadline: float


class LateKeys:
    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s
        self._pending: dict[str, _Pending] = {}

    def __bool__(self) -> bool:
        return bool(self._pending)

    def seconds_to_next_deadline(self) -> float:
        return min(p.deadline for p in self._pending.values()) - time.monotonic()

    async def wait_for_key(self, client: AsyncClient, room_id: str, event: MegolmEvent) -> None:
        log.debug("cannot decrypt %s in %s yet; requesting the key", event.event_id, room_id)
        self._pending[event.event_id] = _Pending(event, room_id, time.monotonic() + self.grace_s)
        try:
            await client.request_room_key(event)
        except LocalProtocolError:
            pass  # already requested for this session
        except retry.TRANSIENT as e:
            log.debug("room key request failed (%s)", retry.describe(e))

    def drop(self, room_id: str) -> None:
        for event_id in [k for k, p in self._pending.items() if p.room_id == room_id]:
            del self._pending[event_id]

    def ready(self, client: AsyncClient) -> list[Incoming]:
        """What can be delivered now: decrypted at last, or past its grace period."""
        now = time.monotonic()
        out: list[Incoming] = []
        for event_id, pending in list(self._pending.items()):
            try:
                decrypted = client.decrypt_event(pending.event)
            except Exception:
                decrypted = None
            if decrypted is not None and not isinstance(decrypted, MegolmEvent):
                del self._pending[event_id]
                incoming = to_incoming(pending.room_id, decrypted)
                if incoming is not None:
                    out.append(incoming)
            elif now >= pending.deadline:
                del self._pending[event_id]
                log.info("a message stayed undecryptable; asking the person to resend")
                ev = pending.event
                out.append(Incoming(room_id=pending.room_id, sender=ev.sender,
                                    event_id=ev.event_id, origin_ts=int(ev.server_timestamp),
                                    kind="undecryptable"))
        return out
