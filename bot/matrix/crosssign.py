"""The bot's cross-signing identity.

Element (with "exclude insecure devices") refuses devices that their owner has not
cross-signed, and matrix-nio does not do cross-signing. So the bot makes its own identity
following the client-server spec ("Cross-signing"): a master key signs a self-signing key and
a user-signing key; the self-signing key signs the bot's device.

The private keys are kept in `store_path/cross_signing.json` (mode 0600) beside nio's E2E
store and reused for ever: a new master key is a new identity, which Element shows to every
person as a warning. They are also kept in secret storage behind the recovery key
(recovery.py, which runs first and restores them into an empty store), so a lost store is
never a silent new identity. Replacing the server's keys needs the account password
(user-interactive auth); the very first upload does not (MSC3967, Synapse >= 1.108).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient
from signedjson.key import (
    decode_signing_key_base64,
    decode_verify_key_base64,
    encode_signing_key_base64,
    encode_verify_key_base64,
    generate_signing_key,
    get_verify_key,
)
from signedjson.sign import SignatureVerifyException, sign_json, verify_signed_json

from bot.matrix.errors import IdentityFailure, StoreOfAnotherAccount
from bot.matrix.http import MatrixHTTPError, matrix_request, request_with_uia
from bot.matrix.private import write_private_json

log = logging.getLogger(__name__)

__all__ = [
    "KEYS_FILE",
    "CrossSigningKeys",
    "MatrixHTTPError",
    "bootstrap",
    "matrix_request",
    "request_with_uia",
]

KEYS_FILE = "cross_signing.json"
ED25519 = "ed25519"


@dataclass(frozen=True)
class CrossSigningKeys:
    """The three private keys (ed25519 seeds, unpadded base64) of one account."""

    user_id: str
    master: str
    self_signing: str
    user_signing: str

    @staticmethod
    def generate(user_id: str) -> CrossSigningKeys:
        seeds = [encode_signing_key_base64(generate_signing_key("0")) for _ in range(3)]
        return CrossSigningKeys(user_id, *seeds)

    @staticmethod
    def signing_key(seed: str) -> Any:
        """A signedjson signing key whose key id is `ed25519:<public key>` as the spec wants."""
        key = decode_signing_key_base64(ED25519, "0", seed)
        key.version = encode_verify_key_base64(get_verify_key(key))
        return key

    @staticmethod
    def public(seed: str) -> str:
        return str(CrossSigningKeys.signing_key(seed).version)

    def key_object(self, usage: str) -> dict[str, Any]:
        """The public key object for upload, signed by the master key unless it is the master."""
        seed = {"master": self.master, "self_signing": self.self_signing}.get(
            usage, self.user_signing
        )
        pub = self.public(seed)
        obj: dict[str, Any] = {
            "user_id": self.user_id,
            "usage": [usage],
            "keys": {f"{ED25519}:{pub}": pub},
        }
        if usage != "master":
            obj = sign_json(obj, self.user_id, self.signing_key(self.master))
        return obj

    def upload_body(self) -> dict[str, Any]:
        return {
            "master_key": self.key_object("master"),
            "self_signing_key": self.key_object("self_signing"),
            "user_signing_key": self.key_object("user_signing"),
        }


def load_keys(store_path: Path, user_id: str) -> CrossSigningKeys | None:
    path = store_path / KEYS_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.get("user_id") != user_id:
        raise StoreOfAnotherAccount("the cross-signing keys in the store are another account's")
    return CrossSigningKeys(
        user_id=user_id,
        master=data["master"],
        self_signing=data["self_signing"],
        user_signing=data["user_signing"],
    )


def save_keys(store_path: Path, keys: CrossSigningKeys) -> None:
    """Write atomically with mode 0600: these keys are the bot's identity."""
    store_path.mkdir(parents=True, exist_ok=True)
    write_private_json(store_path / KEYS_FILE, {
        "user_id": keys.user_id,
        "master": keys.master,
        "self_signing": keys.self_signing,
        "user_signing": keys.user_signing,
    })


def server_public(query: Mapping[str, Any], field: str, user_id: str) -> str | None:
    obj = query.get(field, {}).get(user_id)
    if not isinstance(obj, dict):
        return None
    keys = obj.get("keys", {})
    for key_id in keys:
        if key_id.startswith(f"{ED25519}:"):
            return str(keys[key_id])
    return None


def device_signed_by(device_keys: Mapping[str, Any], user_id: str, public_key: str) -> bool:
    """Whether the device keys carry a valid signature by the given cross-signing key."""
    verify_key = decode_verify_key_base64(ED25519, public_key, public_key)
    try:
        verify_signed_json(dict(device_keys), user_id, verify_key)
    except SignatureVerifyException:
        return False
    return True


async def query_own_keys(client: AsyncClient) -> dict[str, Any]:
    assert client.user_id
    status, payload = await matrix_request(
        client, "POST", "/_matrix/client/v3/keys/query", {"device_keys": {client.user_id: []}}
    )
    if status != 200:
        raise MatrixHTTPError(status, payload)
    return payload


async def bootstrap(client: AsyncClient, store_path: Path, password: str | None) -> bool:
    """Make sure the account has our cross-signing keys and that this device is signed by them.

    Call after the device keys were uploaded and before joining rooms (clients learn about the
    signature through device list changes). Returns False if cross-signing could not be set up
    (logged); the bot still works, but Element users excluding insecure devices won't reach it.
    """
    user_id, device_id = client.user_id, client.device_id
    assert user_id and device_id
    keys = load_keys(store_path, user_id)
    query = await query_own_keys(client)
    server_master = server_public(query, "master_keys", user_id)
    server_ssk = server_public(query, "self_signing_keys", user_id)

    if keys is None:
        if server_master is not None:  # recovery.py restores them first; never a silent reset
            raise IdentityFailure("needs-key")
        keys = CrossSigningKeys.generate(user_id)
        must_upload = True
    else:
        must_upload = server_master != keys.public(keys.master) or server_ssk != keys.public(
            keys.self_signing
        )
        if must_upload and server_master is not None:
            log.warning("the cross-signing keys on the server differ from ours; replacing them")

    if must_upload:
        save_keys(store_path, keys)  # before upload: never have server keys we don't hold
        try:
            await request_with_uia(
                client,
                "POST",
                "/_matrix/client/v3/keys/device_signing/upload",
                keys.upload_body(),
                password,
            )
        except MatrixHTTPError as e:
            log.error("could not upload cross-signing keys (%s); the device stays unsigned", e)
            return False
        log.info("cross-signing keys uploaded")
        query = await query_own_keys(client)

    return await _sign_device(client, query, keys)


async def _sign_device(client: AsyncClient, query: dict[str, Any], keys: CrossSigningKeys) -> bool:
    """Sign this device with the self-signing key (once: an existing signature is kept)."""
    user_id, device_id = client.user_id, client.device_id
    device = query.get("device_keys", {}).get(user_id, {}).get(device_id)
    if not isinstance(device, dict):
        log.error("the server does not know this device's keys; cannot cross-sign it")
        return False
    ssk_pub = keys.public(keys.self_signing)
    if device_signed_by(device, user_id, ssk_pub):
        log.debug("device %s already cross-signed", device_id)
        return True
    device = {k: v for k, v in device.items() if k != "unsigned"}
    signed = sign_json(device, user_id, keys.signing_key(keys.self_signing))
    status, payload = await matrix_request(
        client,
        "POST",
        "/_matrix/client/v3/keys/signatures/upload",
        {user_id: {device_id: signed}},
    )
    failures = payload.get("failures") or {}
    if status != 200 or failures:
        log.error("could not upload the device signature (HTTP %s, %s)", status, failures)
        return False
    log.info("device cross-signed")
    return True
