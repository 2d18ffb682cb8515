"""Typed errors of the Matrix layer: what went wrong at start-up, and a refused send.

The app turns a `StartupFailure` into one sentence naming the configuration key to fix
(`bot/app.py`), by its type, never by reading the exception's text.
"""

from __future__ import annotations


class SendError(RuntimeError):
    """The homeserver refused an event for good (not a transient failure)."""


class StartupFailure(RuntimeError):
    """The bot cannot start on Matrix; the subclass says which setting to look at."""


class LoginRefused(StartupFailure):
    """The password login failed, or a login is needed and no password is set."""

    def __init__(self, message: str, errcode: str = "") -> None:
        super().__init__(message)
        self.errcode = errcode


class AccessTokenRefused(StartupFailure):
    """The configured access token is wrong or expired."""


class MediatorsRoomUnavailable(StartupFailure):
    """The mediators' room alias does not resolve, or the bot cannot join the room."""


class TokenRejected(StartupFailure):
    """The configured access token is for another account or another device, or has none.

    `problem` is one of "account", "device", "no-device" (the app picks its sentence by it).
    """

    def __init__(self, problem: str) -> None:
        super().__init__(f"access token: {problem}")
        self.problem = problem


class StoreOfAnotherAccount(StartupFailure):
    """`matrix.store_path` holds the credentials or keys of another Matrix account."""


class IdentityFailure(StartupFailure):
    """The cross-signing identity cannot be kept; `problem` says why, `setting` where to look.

    Problems: "needs-key" (the server has an identity, the store has no keys, no recovery key
    is given), "wrong-key" (the key does not open the secret storage), "unreadable-key" (the
    file's key is not a recovery key), "not-stored" (the identity is not in secret storage),
    "mismatch" (secret storage holds other keys than the server's identity).
    """

    def __init__(self, problem: str, setting: str = "matrix.recovery_key") -> None:
        super().__init__(f"identity: {problem}")
        self.problem = problem
        self.setting = setting
