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
