"""The Matrix half of ``python -m bot doctor``: read-only questions to the homeserver.

It asks what the bot will meet at start — versions, whoami, its device's keys and their
cross-signature, secret storage, the mediators' room — and changes nothing the bot owns: it
uses the bot's saved device when there is one (or the configured token), never logs it out,
and when it must log in with the password (nothing saved yet) it makes its own short-lived
device, which it logs out at the end. No encryption, no sync token saved.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError
from nio import AsyncClient, AsyncClientConfig

from bot.config import Config
from bot.matrix import advice, crosssign
from bot.matrix import secret_storage as ss
from bot.matrix.errors import IdentityFailure, StoreOfAnotherAccount, TokenRejected
from bot.matrix.http import matrix_request
from bot.matrix.recovery import RecoverySettings, read_storage
from bot.matrix.rooms import CREATOR_POWER_LEVEL, members
from bot.matrix.session import CREDENTIALS_FILE
from bot.preflight import Check, failed, passed

TIMEOUT = 15.0
NETWORK = (ClientError, TimeoutError, OSError)
DOCTOR_DEVICE = "Relais doctor (temporary)"

HOMESERVER = "homeserver reachable"
LOGIN = "login valid"
DEVICE = "device keys uploaded and cross-signed"
RECOVERY = "recovery key present and matching"
JOINED = "mediators' room joined"
ENCRYPTED = "mediators' room encrypted"
POWER = "power level to edit and redact its messages"


@dataclass
class Session:
    """Who doctor speaks as: the bot's own device, or a temporary one of its own."""

    client: AsyncClient
    user_id: str
    device_id: str | None
    temporary: bool  # made with the password by doctor: logged out at the end
    fresh: bool  # the store has never held a device: the bot's first start is still to come


def new_client(config: Config) -> AsyncClient:
    settings = AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False,
                                 request_timeout=TIMEOUT, max_timeouts=1, max_limit_exceeded=1)
    return AsyncClient(config.matrix.homeserver, config.matrix.user_id, config=settings)


async def _ask(client: AsyncClient, method: str, path: str,
               body: Mapping[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    return await asyncio.wait_for(matrix_request(client, method, path, body), TIMEOUT + 1)


def unreachable(config: Config) -> str:
    return (f"The homeserver at 'matrix.homeserver' ({config.matrix.homeserver}) cannot be "
            "reached: check the address, the network and that the server is running.")


# --------------------------------------------------------------------------- homeserver


async def homeserver(client: AsyncClient, config: Config) -> Check:
    try:
        status, body = await _ask(client, "GET", "/_matrix/client/versions")
    except NETWORK:
        return failed(HOMESERVER, unreachable(config))
    versions = body.get("versions")
    if status != 200 or not isinstance(versions, list) or not versions:
        return failed(HOMESERVER, f"The address in 'matrix.homeserver' answered HTTP {status} "
                                  "but is not a Matrix homeserver: give the client address "
                                  "(the one Element uses).")
    return passed(HOMESERVER, f"{config.matrix.homeserver}, Matrix {versions[-1]}")


# --------------------------------------------------------------------------- login


def _saved(config: Config) -> dict[str, Any] | None:
    path = config.matrix.store_path / CREDENTIALS_FILE
    try:
        creds = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(creds, dict) or creds.get("homeserver") != config.matrix.homeserver:
        return None
    if creds.get("user_id") != config.matrix.user_id:
        raise StoreOfAnotherAccount("the saved credentials are another account's")
    return creds


async def _whoami(client: AsyncClient) -> tuple[int, dict[str, Any]]:
    return await _ask(client, "GET", "/_matrix/client/v3/account/whoami")


def _odd_answer(status: int) -> str:
    return (f"The homeserver answered HTTP {status} to /whoami: try again in a minute, and "
            "check that 'matrix.homeserver' is the client address Element uses.")


async def _with_token(client: AsyncClient, config: Config,
                      fresh: bool) -> tuple[Check, Session | None]:
    client.access_token = config.matrix.access_token or ""
    status, who = await _whoami(client)
    if status == 401 or who.get("errcode") == "M_UNKNOWN_TOKEN":
        return failed(LOGIN, advice.TOKEN_REFUSED), None
    if status != 200:
        return failed(LOGIN, _odd_answer(status)), None
    problem = ("account" if who.get("user_id") != config.matrix.user_id
               else "no-device" if not who.get("device_id")
               else "device" if config.matrix.device_id not in (None, who.get("device_id"))
               else None)
    if problem:
        return failed(LOGIN, advice.sentence(TokenRejected(problem)) or problem), None
    device = str(who["device_id"])
    return (passed(LOGIN, f"access token of device {device}"),
            Session(client, config.matrix.user_id, device, False, fresh))


async def _with_saved(client: AsyncClient, config: Config,
                      creds: Mapping[str, Any]) -> tuple[Check, Session | None]:
    device = str(creds.get("device_id"))
    client.restore_login(config.matrix.user_id, device, str(creds.get("access_token")))
    status, _ = await _whoami(client)
    if status == 401:
        again = ("start the bot once: it logs in again with 'matrix.password' on the same "
                 "device" if config.matrix.password else
                 "set 'matrix.password' or 'matrix.access_token' so the bot can log in again")
        return failed(LOGIN, f"The access token saved in 'matrix.store_path' was revoked: "
                             f"{again}."), None
    if status != 200:
        return failed(LOGIN, _odd_answer(status)), None
    return (passed(LOGIN, f"saved device {device}"),
            Session(client, config.matrix.user_id, device, False, False))


async def _with_password(client: AsyncClient, config: Config) -> tuple[Check, Session | None]:
    status, body = await _ask(client, "POST", "/_matrix/client/v3/login", {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": config.matrix.user_id},
        "password": config.matrix.password,
        "initial_device_display_name": DOCTOR_DEVICE,
    })
    if status != 200 or not body.get("access_token"):
        return failed(LOGIN, "The homeserver refused the login: check 'matrix.user_id' and "
                             "'matrix.password' (a homeserver with MAS may refuse passwords: "
                             "use 'matrix.access_token')."), None
    client.restore_login(config.matrix.user_id, str(body.get("device_id")),
                         str(body["access_token"]))
    return (passed(LOGIN, "password accepted; the bot makes its device at its first start"),
            Session(client, config.matrix.user_id, None, True, True))


async def sign_in(client: AsyncClient, config: Config) -> tuple[Check, Session | None]:
    """The bot's own order: the configured token, else the saved device, else the password."""
    try:
        creds = _saved(config)
    except StoreOfAnotherAccount as exc:
        return failed(LOGIN, advice.sentence(exc) or str(exc)), None
    if config.matrix.access_token:
        return await _with_token(client, config, fresh=creds is None)
    if creds is not None:
        return await _with_saved(client, config, creds)
    return await _with_password(client, config)


async def finish(session: Session | None, client: AsyncClient) -> None:
    """Log out doctor's own temporary device only; close the HTTP session."""
    try:
        if session is not None and session.temporary:
            await _ask(client, "POST", "/_matrix/client/v3/logout", {})
    except NETWORK:
        pass
    finally:
        await client.close()


# --------------------------------------------------------------------------- keys


async def device_keys(session: Session) -> Check:
    if session.device_id is None:
        return passed(DEVICE, "none yet: the bot uploads and signs them at its first start")
    query = await crosssign.query_own_keys(session.client)
    device = query.get("device_keys", {}).get(session.user_id, {}).get(session.device_id)
    if not isinstance(device, dict):
        if session.fresh:
            return passed(DEVICE, f"device {session.device_id} has none yet: the bot uploads "
                                  "them at its first start")
        return failed(DEVICE, f"The bot's device {session.device_id} has no keys on the "
                              "homeserver: start the bot (it uploads them), or restore "
                              "'matrix.store_path' from a backup.")
    signer = crosssign.server_public(query, "self_signing_keys", session.user_id)
    if signer is None or not crosssign.device_signed_by(device, session.user_id, signer):
        return failed(DEVICE, f"The bot's device {session.device_id} is not cross-signed, so "
                              "Element refuses to talk to it: restart the bot (it signs its "
                              "device at start).")
    master = crosssign.server_public(query, "master_keys", session.user_id) or "?"
    return passed(DEVICE, f"device {session.device_id}, master key {master[:8]}…")


def _recovery_settings(config: Config) -> RecoverySettings:
    return RecoverySettings(config.matrix.recovery_key, config.matrix.recovery_key_file)


async def recovery_key(session: Session, config: Config) -> Check:
    """The key at hand (config, env or the file) opens the account's default secret storage."""
    try:
        given = _recovery_settings(config).given()
        storage = await read_storage(session.client)
    except IdentityFailure as exc:
        return failed(RECOVERY, advice.sentence(exc) or str(exc))
    if storage is None:
        return await _no_storage(session, config)
    if given is None:
        try:
            local = crosssign.load_keys(config.matrix.store_path, session.user_id)
        except StoreOfAnotherAccount as exc:
            return failed(RECOVERY, advice.sentence(exc) or str(exc))
        if local is not None:
            return passed(RECOVERY, "kept offline, not in the config; 'matrix.store_path' "
                                    "holds the identity")
        return failed(RECOVERY, advice.sentence(IdentityFailure("needs-key")) or "")
    key, setting = given
    try:
        opens = ss.check_key(key, storage.description)
    except ss.MalformedError:
        opens = False
    if not opens:
        return failed(RECOVERY, advice.sentence(IdentityFailure("wrong-key", setting)) or "")
    return passed(RECOVERY, f"'{setting}' opens the account's secret storage")


async def _no_storage(session: Session, config: Config) -> Check:
    query = await crosssign.query_own_keys(session.client)
    if crosssign.server_public(query, "master_keys", session.user_id) is None:
        return passed(RECOVERY, f"none yet: the bot creates it at its first start and writes "
                                f"it to {config.matrix.recovery_key_file}")
    return failed(RECOVERY, "This account's identity is not in secret storage yet, so losing "
                            "'matrix.store_path' would lose it: start the bot once with this "
                            f"version (it stores it and writes the recovery key to "
                            f"{config.matrix.recovery_key_file}).")


# --------------------------------------------------------------------------- the room


async def _room_id(session: Session, target: str) -> str | None:
    if not target.startswith("#"):
        return target
    status, body = await _ask(session.client, "GET",
                              f"/_matrix/client/v3/directory/room/{quote(target, safe='')}")
    room = body.get("room_id") if status == 200 else None
    return str(room) if room else None


async def _invite_state(session: Session, room_id: str) -> list[dict[str, Any]] | None:
    """The stripped state of a pending invite to ``room_id``, None when there is none."""
    room_filter = {"room": {"rooms": [room_id], "timeline": {"limit": 1},
                            "state": {"types": []}, "ephemeral": {"types": []},
                            "account_data": {"types": []}},
                   "presence": {"types": []}, "account_data": {"types": []}}
    path = ("/_matrix/client/v3/sync?timeout=0&filter="
            + quote(json.dumps(room_filter, separators=(",", ":")), safe=""))
    status, body = await _ask(session.client, "GET", path)
    invite = body.get("rooms", {}).get("invite", {}).get(room_id) if status == 200 else None
    if not isinstance(invite, dict):
        return None
    events = invite.get("invite_state", {}).get("events", [])
    return [e for e in events if isinstance(e, dict)]


async def _state(session: Session, room_id: str, event_type: str) -> dict[str, Any] | None:
    room = quote(room_id, safe="")
    status, body = await _ask(session.client, "GET",
                              f"/_matrix/client/v3/rooms/{room}/state/{event_type}")
    return body if status == 200 else None


async def mediators_room(session: Session, config: Config) -> list[Check]:
    """Joined (or invited, before the first start), encrypted, and the bot's power level."""
    target = config.mediators.room
    room_id = await _room_id(session, target)
    if room_id is None:
        return [failed(JOINED, f"The alias in 'mediators.room' ({target}) does not resolve: "
                               "check it, or put the room id.")]
    status, body = await _ask(session.client, "GET", "/_matrix/client/v3/joined_rooms")
    if status == 200 and room_id in body.get("joined_rooms", []):
        return [passed(JOINED), await _encrypted(session, room_id), await _power(session, room_id)]
    invite = await _invite_state(session, room_id)
    if invite is None:
        return [failed(JOINED, "The bot is neither in the mediators' room ('mediators.room') "
                               "nor invited to it: a mediator must invite "
                               f"{session.user_id} there.")]
    encrypted = any(e.get("type") == "m.room.encryption" for e in invite)
    return [
        passed(JOINED, "invited: the bot joins it at start"),
        passed(ENCRYPTED) if encrypted else failed(ENCRYPTED, _NOT_ENCRYPTED),
        passed(POWER, "readable once the bot has joined: run doctor again after its first "
                      "start"),
    ]


_NOT_ENCRYPTED = ("The mediators' room ('mediators.room') is not encrypted, so what people "
                  "write is readable on the server: turn on encryption in the room's "
                  "settings (Element: Security & Privacy).")


async def _encrypted(session: Session, room_id: str) -> Check:
    found = await _state(session, room_id, "m.room.encryption")
    return passed(ENCRYPTED, str(found.get("algorithm"))) if found else failed(ENCRYPTED,
                                                                                _NOT_ENCRYPTED)


async def _power(session: Session, room_id: str) -> Check:
    """Editing is sending m.room.message; redacting its own events, sending m.room.redaction."""
    levels = await _state(session, room_id, "m.room.power_levels") or {}
    events = levels.get("events", {})
    default = int(levels.get("events_default", 0))
    needed = max(int(events.get("m.room.message", default)),
                 int(events.get("m.room.redaction", default)))
    mine = (await members(session.client, room_id)).get(session.user_id, 0)  # creators: v12
    if mine < needed:
        return failed(POWER, f"The bot has power level {mine} in the mediators' room and needs "
                             f"{needed} to edit and redact its own messages: raise it in the "
                             "room's settings (Element: Roles & Permissions).")
    shown = "room creator" if mine >= CREATOR_POWER_LEVEL else str(mine)
    return passed(POWER, f"{shown}, needs {needed}")
