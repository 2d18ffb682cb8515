"""The bot's identity kept in secret storage, so that losing `store_path` loses nothing.

Element keeps a person's cross-signing keys in secret storage (client-server spec, "Secrets"
and "Cross-signing") behind a recovery key; the bot does the same, so a new server, a broken
disk or a rebuilt container gets back the SAME identity and every person's Element keeps
trusting the bot:

- first start (no identity on the server): new cross-signing keys (uploaded by crosssign.py
  right after), a new secret-storage key, its description and the three private keys as
  account data, and the recovery key written ONCE to a file for the admin to keep offline;
- empty store, identity on the server: the recovery key opens secret storage, the three keys
  come back, the master key must be the server's, and crosssign.py signs the new device;
- a store that lost nothing: nothing to do, except creating secret storage for an identity
  made before this existed, and checking a recovery key given in the config (a wrong one is
  found now, not on the day it is needed).

Runs after login and before the device keys go up: only raw account-data and keys/query
requests, no encryption. Every refusal is an `IdentityFailure` the app turns into one sentence.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nio import AsyncClient

from bot.matrix import crosssign
from bot.matrix import secret_storage as ss
from bot.matrix.crosssign import CrossSigningKeys
from bot.matrix.errors import IdentityFailure
from bot.matrix.http import MatrixHTTPError, matrix_request
from bot.matrix.recovery_key import default_key_file

log = logging.getLogger(__name__)

#: Transport._retry: retry a start-up request through outages (what, call) -> result.
Retry = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]

KEY_NAME = "Relais"


@dataclass(frozen=True)
class RecoverySettings:
    """Where the recovery key comes from: the config (or RELAIS_RECOVERY_KEY), else the file."""

    key: str | None
    key_file: Path

    @staticmethod
    def beside(store_path: Path) -> RecoverySettings:
        return RecoverySettings(None, default_key_file(store_path))

    def given(self) -> tuple[bytes, str] | None:
        """(the 32-byte key, the setting it came from), or None when no key is at hand."""
        if self.key:
            return self._decode(self.key, "matrix.recovery_key")
        try:
            text = self.key_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            raise IdentityFailure("unreadable-key", "matrix.recovery_key_file") from None
        return self._decode(text, "matrix.recovery_key_file")

    @staticmethod
    def _decode(text: str, setting: str) -> tuple[bytes, str]:
        try:
            return ss.decode_recovery_key(text), setting
        except ss.RecoveryKeyError:
            raise IdentityFailure("unreadable-key", setting) from None


@dataclass(frozen=True)
class Storage:
    """The account's default secret-storage key: its id and description."""

    key_id: str
    description: ss.KeyDescription


# --------------------------------------------------------------------------- account data


def _account_data_path(user_id: str, event_type: str) -> str:
    return (f"/_matrix/client/v3/user/{quote(user_id, safe='')}/account_data/"
            f"{quote(event_type, safe='')}")


async def get_account_data(client: AsyncClient, event_type: str) -> dict[str, Any] | None:
    """The content, or None when the account has none of that type (404)."""
    assert client.user_id
    status, payload = await matrix_request(
        client, "GET", _account_data_path(client.user_id, event_type))
    if status == 404:
        return None
    if status != 200:
        raise MatrixHTTPError(status, payload)
    return payload


async def put_account_data(client: AsyncClient, event_type: str,
                           content: dict[str, Any]) -> None:
    assert client.user_id
    status, payload = await matrix_request(
        client, "PUT", _account_data_path(client.user_id, event_type), content)
    if status != 200:
        raise MatrixHTTPError(status, payload)


async def read_storage(client: AsyncClient) -> Storage | None:
    """The default key named by `m.secret_storage.default_key`, or None when there is none."""
    default = await get_account_data(client, ss.DEFAULT_KEY_EVENT)
    key_id = (default or {}).get("key")
    if not isinstance(key_id, str) or not key_id:
        return None
    content = await get_account_data(client, ss.key_event_type(key_id))
    if content is None:
        return None
    try:
        return Storage(key_id, ss.KeyDescription.from_json(content))
    except ss.MalformedError:
        raise IdentityFailure("not-stored") from None


# --------------------------------------------------------------------------- the flow


async def prepare_identity(client: AsyncClient, store_path: Path,
                           settings: RecoverySettings, retry: Retry) -> None:
    """Leave `store_path` holding this account's cross-signing keys, kept in secret storage.

    See the module docstring; raises `IdentityFailure` (and `StoreOfAnotherAccount` from
    crosssign.load_keys) when the identity cannot be kept as it is.
    """
    user_id = client.user_id
    assert user_id
    local = crosssign.load_keys(store_path, user_id)
    query = await retry("keys query", lambda: crosssign.query_own_keys(client))
    server_master = crosssign.server_public(query, "master_keys", user_id)
    try:
        storage = await retry("secret storage", lambda: read_storage(client))
    except IdentityFailure:
        if local is None:
            raise
        # a store that lost nothing does not need it: run, and leave someone else's storage be
        log.warning("the account's key storage is of a kind the bot cannot read; left as it is")
        return
    given = settings.given()
    if local is None and server_master is not None:
        keys = await _restore(client, storage, given, server_master, retry)
        crosssign.save_keys(store_path, keys)
        log.info("cross-signing identity restored with the recovery key")
        return
    if local is None:
        local = CrossSigningKeys.generate(user_id)
        crosssign.save_keys(store_path, local)  # crosssign.bootstrap uploads them next
    if storage is None or server_master is None:
        await _create_storage(client, local, given, settings.key_file, retry)
    elif given is not None and not _opens(given[0], storage):
        raise IdentityFailure("wrong-key", given[1])


def _opens(key: bytes, storage: Storage) -> bool:
    try:
        return ss.check_key(key, storage.description)
    except ss.MalformedError:
        raise IdentityFailure("not-stored") from None


async def _restore(client: AsyncClient, storage: Storage | None,
                   given: tuple[bytes, str] | None, server_master: str,
                   retry: Retry) -> CrossSigningKeys:
    """The three private keys back from secret storage, checked against the server's."""
    if given is None:
        raise IdentityFailure("needs-key")
    key, setting = given
    if storage is None:
        raise IdentityFailure("not-stored", setting)
    if not _opens(key, storage):
        raise IdentityFailure("wrong-key", setting)
    seeds: list[str] = []
    for name in ss.CROSS_SIGNING_SECRETS:
        content = await retry("secret storage", partial(get_account_data, client, name))
        if content is None:
            raise IdentityFailure("not-stored", setting)
        try:
            seeds.append(ss.decrypt_secret(key, name, ss.encrypted_for(content, storage.key_id)))
        except ss.WrongKeyError:
            raise IdentityFailure("wrong-key", setting) from None
        except ss.MalformedError:
            raise IdentityFailure("not-stored", setting) from None
    assert client.user_id
    keys = CrossSigningKeys(client.user_id, *seeds)
    try:
        master = keys.public(keys.master)
        keys.public(keys.self_signing)
        keys.public(keys.user_signing)
    except Exception:  # not an ed25519 seed: nacl's or base64's error, whichever
        raise IdentityFailure("mismatch", setting) from None
    if master != server_master:
        raise IdentityFailure("mismatch", setting)
    return keys


async def _create_storage(client: AsyncClient, keys: CrossSigningKeys,
                          given: tuple[bytes, str] | None, key_file: Path,
                          retry: Retry) -> None:
    """Secret storage for `keys` under the given key, or a new one written to `key_file`.

    The file is written before anything is uploaded: an upload that fails is redone at the
    next start with the key from the file, so the admin never misses the key that is in use.
    The default key goes last: it only ever names a complete storage.
    """
    if given is None:
        key = ss.generate_key()
        write_key_file(key_file, ss.encode_recovery_key(key))
    else:
        key = given[0]
    key_id = ss.new_key_id()
    description = ss.describe_key(key, name=KEY_NAME)
    uploads: list[tuple[str, dict[str, Any]]] = [
        (ss.key_event_type(key_id), description.to_json())]
    for name, seed in zip(ss.CROSS_SIGNING_SECRETS,
                          (keys.master, keys.self_signing, keys.user_signing), strict=True):
        uploads.append((name, ss.secret_account_data(key_id, ss.encrypt_secret(key, name, seed))))
    uploads.append((ss.DEFAULT_KEY_EVENT, ss.default_key_content(key_id)))
    for event_type, content in uploads:
        await retry("secret storage", partial(put_account_data, client, event_type, content))
    log.info("cross-signing keys stored on the server behind the recovery key")
    if given is None:
        log.info("The recovery key was written to %s: keep it offline (on paper or in a "
                 "password manager), then delete this file.", key_file)


def write_key_file(path: Path, recovery_key: str) -> None:
    """Mode 0600 from the start, replaced atomically (never a half-written key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(recovery_key + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
