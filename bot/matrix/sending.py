"""Sending one event, retried through outages with the same transaction id.

The homeserver deduplicates by transaction id, so a retry after a lost response never makes a
second message. A refusal for good (forbidden, unknown room, bad token, any other 4xx) raises
`SendError` at once; transient failures are retried `SEND_ATTEMPTS` times.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nio import AsyncClient, RoomSendResponse

from bot.matrix import retry
from bot.matrix.errors import SendError

SEND_ATTEMPTS = 6


async def send_event(client: AsyncClient, room_id: str, event_type: str, content: dict[str, Any],
                     txn_id: str, outage: retry.Outage) -> str:
    """Send (encrypted when the room is) and return the event id."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            resp = await client.room_send(
                room_id, event_type, dict(content), tx_id=txn_id, ignore_unverified_devices=True
            )
        except retry.TRANSIENT as e:
            if attempt == SEND_ATTEMPTS - 1:
                raise SendError(f"send failed: {retry.describe(e)}") from e
            await asyncio.sleep(min(outage.failed(e), 10.0))
            continue
        if isinstance(resp, RoomSendResponse):
            outage.ok()
            return str(resp.event_id)
        code = str(getattr(resp, "status_code", ""))
        http = getattr(getattr(resp, "transport_response", None), "status", 0) or 0
        if code in ("M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_TOKEN") or 400 <= http < 500:
            raise SendError(f"the homeserver refused the event: {code or http}")
        if attempt == SEND_ATTEMPTS - 1:
            raise SendError(f"send failed: {code or http}")
        await asyncio.sleep(min(outage.failed(f"send error {code or http}"), 10.0))
    raise SendError("send failed")  # pragma: no cover - loop always returns or raises
