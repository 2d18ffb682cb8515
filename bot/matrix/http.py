"""Raw Matrix HTTP for the endpoints nio lacks, and user-interactive auth (password flow).

Requests go through nio's own HTTP session (same connection pool, same access token).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from nio import AsyncClient


class MatrixHTTPError(RuntimeError):
    """A request to the homeserver failed with an HTTP status we cannot handle here."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(f"HTTP {status} {body.get('errcode', '')}")
        self.status = status
        self.body = body


async def matrix_request(
    client: AsyncClient, method: str, path: str, body: Mapping[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    """One raw authenticated request through nio's HTTP session (for endpoints nio lacks)."""
    headers = {"Content-Type": "application/json"}
    if client.access_token:
        headers["Authorization"] = f"Bearer {client.access_token}"
    data = json.dumps(body) if body is not None else None
    resp = await client.send(method, path, data, headers)
    try:
        payload = await resp.json(content_type=None)
    except ValueError:
        payload = {}
    finally:
        resp.release()
    if isinstance(payload, list):  # e.g. GET /rooms/{id}/state
        payload = {"chunk": payload}
    elif not isinstance(payload, dict):
        payload = {}
    return int(resp.status), payload


async def request_with_uia(
    client: AsyncClient,
    method: str,
    path: str,
    body: Mapping[str, Any],
    password: str | None,
) -> dict[str, Any]:
    """Try without auth; on 401 redo it with m.login.password user-interactive auth."""
    status, payload = await matrix_request(client, method, path, body)
    if status == 200:
        return payload
    if status != 401 or "flows" not in payload:
        raise MatrixHTTPError(status, payload)
    if not password:
        raise MatrixHTTPError(status, {"errcode": "RELAIS_NEEDS_PASSWORD", **payload})
    auth = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": client.user_id},
        "password": password,
        "session": payload.get("session"),
    }
    status, payload = await matrix_request(client, method, path, {**body, "auth": auth})
    if status != 200:
        raise MatrixHTTPError(status, payload)
    return payload
