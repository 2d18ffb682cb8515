"""The bot's Matrix session: log in once, keep the device for ever, tidy stale devices, join
the mediators' room.

The device id and access token are saved in `store_path/credentials.json` (mode 0600) and
restored on every start: a new device would mean new keys that every person's client has to
learn again. A password login happens only on the very first start, or when the saved token
was revoked (then with the same device id). On homeservers behind the Matrix Authentication
Service a password login may be refused: the admin gives a token issued for a device
(`matrix.access_token` + `matrix.device_id`), checked with /whoami, and that device is kept.
The bot never logs out. Right after login, recovery.py makes sure the store holds the
account's cross-signing identity (restored from secret storage into an empty store).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, JoinError, LoginResponse, RoomResolveAliasResponse

from bot.matrix.errors import (
    AccessTokenRefused,
    LoginRefused,
    MediatorsRoomUnavailable,
    StoreOfAnotherAccount,
    TokenRejected,
)
from bot.matrix.http import MatrixHTTPError, matrix_request, request_with_uia
from bot.matrix.private import write_private_json
from bot.matrix.recovery import RecoverySettings, Retry, prepare_identity

log = logging.getLogger("bot.matrix.transport")

CREDENTIALS_FILE = "credentials.json"

__all__ = ["CREDENTIALS_FILE", "Account", "Retry", "join_mediators_room"]


@dataclass
class Account:
    """Who the bot is on the homeserver and how it proves it."""

    homeserver: str
    user_id: str
    password: str | None
    access_token: str | None
    device_name: str
    store_path: Path
    #: the device the configured token was issued for (None: whichever /whoami names)
    device_id: str | None = None
    #: where the recovery key comes from (None: the key file beside the store)
    recovery: RecoverySettings | None = None

    def configure(self, device_id: str | None, recovery: RecoverySettings) -> None:
        """The token's device and the recovery key, from the config (the transport has neither)."""
        self.device_id = device_id
        self.recovery = recovery

    async def login(self, client: AsyncClient, retry: Retry) -> bool:
        """Log in (or restore the device), then make sure the store holds the identity.

        Returns True when a new device was created by a password login.
        """
        fresh = await self._login(client, retry)
        recovery = self.recovery or RecoverySettings.beside(self.store_path)
        await prepare_identity(client, self.store_path, recovery, retry)
        return fresh

    async def _login(self, client: AsyncClient, retry: Retry) -> bool:
        if self.access_token:  # the configured token wins: the admin may have renewed it
            await self._with_token(client, self.access_token, retry)
            return False
        creds = self._saved()
        if creds:
            await self._restore(client, creds, retry)
            return False
        if not self.password:
            raise LoginRefused("neither a password nor an access token is configured")
        await self._password_login(client, retry)
        log.info("logged in as a new device")
        return True

    def _saved(self) -> dict[str, Any]:
        path = self.store_path / CREDENTIALS_FILE
        if not path.exists():
            return {}
        creds: dict[str, Any] = json.loads(path.read_text())
        if creds.get("user_id") != self.user_id:
            raise StoreOfAnotherAccount("the saved credentials are another account's")
        if creds.get("homeserver") != self.homeserver:
            log.warning("saved credentials are for another homeserver address; logging in anew")
            return {}
        return creds

    async def _restore(self, client: AsyncClient, creds: dict[str, Any], retry: Retry) -> None:
        client.restore_login(creds["user_id"], creds["device_id"], creds["access_token"])
        status, _ = await retry("whoami", lambda: _whoami(client))
        if status != 401:
            log.info("device restored")
            return
        if not self.password:
            raise LoginRefused("the saved access token was revoked and no password is set")
        log.warning("saved access token revoked; logging in again with the same device")
        await self._password_login(client, retry)

    async def _with_token(self, client: AsyncClient, token: str, retry: Retry) -> None:
        """/whoami must name our account and the configured device; that device is kept."""
        client.access_token = token
        status, who = await retry("whoami", lambda: _whoami(client))
        if status == 401 or who.get("errcode") == "M_UNKNOWN_TOKEN":
            raise AccessTokenRefused("the configured access token is unknown, expired or revoked")
        if status != 200:
            raise MatrixHTTPError(status, who)
        if who.get("user_id") != self.user_id:
            raise TokenRejected("account")
        device_id = who.get("device_id")
        if not isinstance(device_id, str) or not device_id:
            raise TokenRejected("no-device")
        if self.device_id is not None and device_id != self.device_id:
            raise TokenRejected("device")
        client.restore_login(self.user_id, device_id, token)
        self.save_credentials(client)
        log.info("logged in with the configured access token")

    async def _password_login(self, client: AsyncClient, retry: Retry) -> None:
        password = self.password
        resp = await retry("login", lambda: client.login(password, device_name=self.device_name))
        if not isinstance(resp, LoginResponse):
            code = str(getattr(resp, "status_code", resp))
            raise LoginRefused(f"login failed: {code}", errcode=code)
        self.save_credentials(client)

    def save_credentials(self, client: AsyncClient) -> None:
        write_private_json(self.store_path / CREDENTIALS_FILE, {
            "homeserver": self.homeserver,
            "user_id": client.user_id,
            "device_id": client.device_id,
            "access_token": client.access_token,
        })

    async def remove_stale_devices(self, client: AsyncClient) -> None:
        """Old devices of ours stay signed by old keys and confuse clients: remove them."""
        status, payload = await matrix_request(client, "GET", "/_matrix/client/v3/devices")
        if status != 200:
            return
        stale = [
            d["device_id"]
            for d in payload.get("devices", [])
            if d.get("device_id") != client.device_id and d.get("display_name") == self.device_name
        ]
        if not stale:
            return
        try:
            await request_with_uia(client, "POST", "/_matrix/client/v3/delete_devices",
                                   {"devices": stale}, self.password)
            log.info("removed %d stale device(s) of the bot", len(stale))
        except MatrixHTTPError as e:
            log.warning("could not remove stale devices (%s)", e)


async def _whoami(client: AsyncClient) -> tuple[int, dict[str, Any]]:
    return await matrix_request(client, "GET", "/_matrix/client/v3/account/whoami")


async def join_mediators_room(client: AsyncClient, target: str, retry: Retry) -> tuple[str, bool]:
    """(room id, True if the bot joined it just now) for a room id or an alias."""
    room_id = target
    if target.startswith("#"):
        resp = await retry("alias", lambda: client.room_resolve_alias(target))
        if not isinstance(resp, RoomResolveAliasResponse):
            raise MediatorsRoomUnavailable("the mediators' room alias does not resolve")
        room_id = resp.room_id
    status, joined = await matrix_request(client, "GET", "/_matrix/client/v3/joined_rooms")
    if status == 200 and room_id in joined.get("joined_rooms", []):
        return room_id, False
    resp = await retry("join", lambda: client.join(room_id))
    if isinstance(resp, JoinError):
        raise MediatorsRoomUnavailable(
            f"cannot join the mediators' room (invite the bot there first): {resp.status_code}"
        )
    log.info("joined the mediators' room")
    return room_id, True
