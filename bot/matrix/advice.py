"""One sentence for each typed start-up failure of the token and of the identity.

Chosen by the error's type and its `problem` field, never by reading its text (bot/app.py
asks here first). Each sentence names the setting to change and what to do, for an admin who
may be a volunteer: how to get a new token, where the recovery key is, what to do without it.
"""

from __future__ import annotations

from bot.matrix.errors import (
    AccessTokenRefused,
    IdentityFailure,
    StartupFailure,
    StoreOfAnotherAccount,
    TokenRejected,
)

TOKEN_REFUSED = (
    "The homeserver refused 'matrix.access_token' (wrong, expired or revoked): get a new token "
    "for the same 'matrix.device_id' (on a MAS homeserver: 'mas-cli manage "
    "issue-compatibility-token <user> <device id>'; on Synapse: a new login or the admin API) "
    "and put it in 'matrix.access_token'."
)

_TOKEN = {
    "account": "The token in 'matrix.access_token' belongs to another account than "
               "'matrix.user_id': use a token issued for the bot's own account.",
    "device": "The token in 'matrix.access_token' was issued for another device than "
              "'matrix.device_id': put the token's device id in 'matrix.device_id', or issue "
              "a token for that device.",
    "no-device": "The token in 'matrix.access_token' has no device, so it cannot hold the bot's "
                 "encryption keys: issue one for a device ('mas-cli manage "
                 "issue-compatibility-token <user> <device id>', or a login) and set "
                 "'matrix.device_id'.",
}

_IDENTITY = {
    "needs-key": "This account already has a cross-signing identity but 'matrix.store_path' "
                 "holds none of its keys: put the recovery key written at the first start in "
                 "'matrix.recovery_key' (or RELAIS_RECOVERY_KEY) so the bot keeps its identity "
                 "(if it is lost, see 'Recovery key kept offline' in docs/deploy.md).",
    "wrong-key": "The recovery key in '{setting}' does not open this account's secret storage: "
                 "check that it is this bot's key, copied exactly.",
    "unreadable-key": "The recovery key in '{setting}' cannot be read (a character is wrong, "
                      "missing or extra): copy it again exactly.",
    "not-stored": "This account's identity is not in its secret storage, so '{setting}' cannot "
                  "restore it: restore 'matrix.store_path' from a backup (or see 'Recovery key "
                  "kept offline' in docs/deploy.md).",
    "mismatch": "The secret storage opened with '{setting}' holds other keys than this "
                "account's identity: restore 'matrix.store_path' from a backup (or see "
                "'Recovery key kept offline' in docs/deploy.md).",
}

STORE_OF_ANOTHER_ACCOUNT = (
    "The folder in 'matrix.store_path' holds the keys of another account than "
    "'matrix.user_id': give this bot its own folder, or put back the user id it belongs to."
)


def sentence(exc: BaseException) -> str | None:
    """The sentence for a failure of this module's kinds, None for any other error."""
    if not isinstance(exc, StartupFailure):
        return None
    if isinstance(exc, AccessTokenRefused):
        return TOKEN_REFUSED
    if isinstance(exc, TokenRejected):
        return _TOKEN.get(exc.problem, _TOKEN["account"])
    if isinstance(exc, StoreOfAnotherAccount):
        return STORE_OF_ANOTHER_ACCOUNT
    if isinstance(exc, IdentityFailure):
        return _IDENTITY.get(exc.problem, _IDENTITY["mismatch"]).format(setting=exc.setting)
    return None
