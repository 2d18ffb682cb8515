"""Settings Relais does not know, for ``bot doctor``: a typo in a key is silently ignored.

``locales: {pth: /etc/relais/locales}`` parses, and the bot quietly takes the default folder:
config.py reads the keys it knows and never looks at the others. Doctor names each unknown
key with the closest known one. (``run`` does not refuse them, so that a config written for a
newer Relais still starts an older one.)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from bot.preflight import Check, failed, passed

#: every setting config.py reads (a secret may also come from '<key>_file')
SETTINGS = frozenset({
    "matrix.homeserver", "matrix.user_id", "matrix.password", "matrix.password_file",
    "matrix.access_token", "matrix.access_token_file", "matrix.device_id",
    "matrix.device_name", "matrix.store_path", "matrix.allowed_servers",
    "matrix.recovery_key", "matrix.recovery_key_file",
    "mediators.room", "mediators.power_level", "mediators.reload_power_level",
    "mediators.reminder_minutes", "mediators.person_silent_hours", "mediators.locale",
    "mediators.hours.timezone", "mediators.hours.weekly", "mediators.hours.closed",
    "dialogues.path", "locales.path", "storage.database",
    "privacy.organisation", "privacy.contact", "privacy.state_days", "privacy.ticket_days",
    "privacy.k_anonymity", "metrics.listen", "logging.level",
})
GROUPS = frozenset(
    ".".join(key.split(".")[:n]) for key in SETTINGS for n in range(1, key.count(".") + 1)
)

CONFIG = "config keys"


def unknown(data: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted names of the keys that are neither a setting nor a group of settings."""
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if dotted in SETTINGS:
            continue
        if dotted in GROUPS and isinstance(value, Mapping):
            yield from unknown(value, dotted + ".")
        else:
            yield dotted


def _closest(dotted: str) -> str:
    found = difflib.get_close_matches(dotted, sorted(SETTINGS | GROUPS), n=1, cutoff=0.6)
    return f" (did you mean '{found[0]}'?)" if found else ""


def check_keys(data: Any, where: str) -> Check:
    """✓ with the file's name, or ✗ naming the first unknown key and how many there are."""
    found = list(unknown(data)) if isinstance(data, Mapping) else []
    if not found:
        return passed(CONFIG, where)
    more = f" ({len(found) - 1} more unknown key(s) after it)" if len(found) > 1 else ""
    return failed(CONFIG, f"The setting '{found[0]}' is not one Relais knows, so it is "
                          f"ignored{_closest(found[0])}: fix or remove it{more}.")
