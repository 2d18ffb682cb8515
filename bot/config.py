"""config.yaml -> frozen dataclasses, checked before anything starts.

A bad config stops Relais with ONE sentence naming the key (``ConfigError``), never a traceback:
the person deploying is often a social centre's volunteer, not a developer. Secrets may come from
the environment (``RELAIS_MATRIX_PASSWORD``…) or from a file (``password_file:``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

from bot.matrix.recovery_key import RecoveryKeyError, decode_recovery_key, default_key_file

PLACEHOLDER = re.compile(r"CHANGE[_ ]?ME|<[^>]+>|example\.(?:org|com)|(?<![a-z0-9])xxx(?![a-z0-9])",
                         re.IGNORECASE)  # not the "XXX" a generated room id may hold
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """One clear sentence about what is wrong in the configuration."""


@dataclass(frozen=True, slots=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    password: str | None
    access_token: str | None
    device_name: str = "Relais"
    store_path: Path = Path("data/matrix")
    allowed_servers: tuple[str, ...] = ()
    #: the device an access token was issued for (MAS compatibility token); checked by /whoami
    device_id: str | None = None
    #: the secret-storage recovery key, from RELAIS_RECOVERY_KEY or the config (None: not given)
    recovery_key: str | None = None
    #: where the recovery key is written once on first start, and read from if it is there
    recovery_key_file: Path = Path("data/matrix-recovery-key.txt")


@dataclass(frozen=True, slots=True)
class OfficeHours:
    timezone: str = "Europe/Paris"
    weekly: tuple[tuple[int, time, time], ...] = ()  # (weekday 0=Monday, start, end)
    closed: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class MediatorsConfig:
    room: str
    power_level: int = 0
    # !recharger replaces the dialogues everyone reads: room moderators by default
    reload_power_level: int = 50
    reminder_minutes: int = 10
    person_silent_hours: int = 48
    locale: str = "fr"
    hours: OfficeHours = field(default_factory=OfficeHours)


@dataclass(frozen=True, slots=True)
class PrivacyConfig:
    organisation: str = "Relais"  # a name, read inside every language's sentence
    contact: str = "voir le site de votre structure"
    state_days: int = 30
    ticket_days: int = 7
    k_anonymity: int = 5


@dataclass(frozen=True, slots=True)
class Config:
    matrix: MatrixConfig
    mediators: MediatorsConfig
    dialogues: Path
    database: Path
    locales: Path
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    metrics_listen: str | None = None
    log_level: str = "INFO"


def _get(data: dict[str, Any], dotted: str, kind: type, *, required: bool = True,
         default: Any = None) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node or node[part] is None:
            if required:
                raise ConfigError(f"The setting '{dotted}' is missing in the configuration.")
            return default
        node = node[part]
    if kind is int and isinstance(node, bool):
        raise ConfigError(f"The setting '{dotted}' must be a whole number, not '{node}'.")
    if kind is str and isinstance(node, (int, float)) and not isinstance(node, bool):
        node = str(node)
    if not isinstance(node, kind):
        raise ConfigError(
            f"The setting '{dotted}' must be {_KIND_NAMES.get(kind, kind.__name__)}, "
            f"not '{node}'."
        )
    placeholder = isinstance(node, str) and PLACEHOLDER.search(node)
    if kind is str and placeholder and not dotted.endswith("contact"):
        raise ConfigError(
            f"The setting '{dotted}' still has the example value '{node}': put your own."
        )
    return node


_KIND_NAMES = {str: "a text", int: "a whole number", bool: "true or false", list: "a list",
               dict: "a group of settings"}


def _secret(data: dict[str, Any], dotted: str, env: str) -> str | None:
    """A secret from the environment, a file named by '<key>_file', or the config itself."""
    if os.environ.get(env):
        return os.environ[env]
    file_value = _get(data, dotted + "_file", str, required=False)
    if file_value:
        try:
            return Path(file_value).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"The file named by '{dotted}_file' cannot be read ({exc.strerror})."
            ) from None
    value: str | None = _get(data, dotted, str, required=False)
    return value


def _hours(data: dict[str, Any]) -> OfficeHours:
    tz = _get(data, "mediators.hours.timezone", str, required=False, default="Europe/Paris")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise ConfigError(
            f"The setting 'mediators.hours.timezone' is not a known time zone: '{tz}'."
        ) from None
    weekly: list[tuple[int, time, time]] = []
    raw = _get(data, "mediators.hours.weekly", dict, required=False, default={})
    for day, spans in raw.items():
        key = str(day)[:3].lower()
        if key not in DAYS:
            raise ConfigError(
                f"In 'mediators.hours.weekly', '{day}' is not a day (use mon, tue, … sun)."
            )
        for span in spans if isinstance(spans, list) else [spans]:
            m = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})\s*", str(span))
            if not m:
                raise ConfigError(
                    f"In 'mediators.hours.weekly.{day}', '{span}' is not like 09:00-12:30."
                )
            h1, m1, h2, m2 = (int(x) for x in m.groups())
            if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
                raise ConfigError(f"In 'mediators.hours.weekly.{day}', '{span}' is not a time.")
            weekly.append((DAYS.index(key), time(h1, m1), time(min(h2, 23), m2 if h2 < 24 else 59)))
    closed: list[date] = []
    for value in _get(data, "mediators.hours.closed", list, required=False, default=[]):
        try:
            closed.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise ConfigError(
                f"In 'mediators.hours.closed', '{value}' is not a date like 2026-12-25."
            ) from None
    return OfficeHours(tz, tuple(sorted(weekly)), tuple(closed))


def parse(data: Any, base: Path = Path(".")) -> Config:
    """Check every setting (the first problem raises ConfigError naming its key)."""
    if not isinstance(data, dict):
        raise ConfigError("The configuration must be a set of 'key: value' lines.")
    homeserver, user_id, password, token = _account(data)
    allowed = _get(data, "matrix.allowed_servers", list, required=False, default=[])
    room = _mediators_room(data)
    dialogues = _path(data, base, "dialogues.path", "dialogues")
    if not dialogues.is_dir():
        raise ConfigError(f"The setting 'dialogues.path' names a folder that does not exist: "
                          f"'{dialogues}'.")
    level = str(_get(data, "logging.level", str, required=False, default="INFO")).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"The setting 'logging.level' must be DEBUG, INFO, WARNING or ERROR, "
                          f"not '{level}'.")
    store_path = _path(data, base, "matrix.store_path", "data/matrix")
    return Config(
        matrix=MatrixConfig(
            homeserver=homeserver.rstrip("/"),
            user_id=user_id,
            password=password,
            access_token=token,
            device_name=_get(data, "matrix.device_name", str, required=False, default="Relais"),
            store_path=store_path,
            allowed_servers=tuple(str(s) for s in allowed),
            device_id=_device_id(data, token),
            recovery_key=_recovery_key(data),
            recovery_key_file=_path(data, base, "matrix.recovery_key_file",
                                    str(default_key_file(store_path))),
        ),
        mediators=_mediators(data, room),
        dialogues=dialogues,
        database=_path(data, base, "storage.database", "data/relais.sqlite3"),
        locales=_path(data, base, "locales.path", "locales"),
        privacy=_privacy(data),
        metrics_listen=_get(data, "metrics.listen", str, required=False, default=None),
        log_level=level,
    )


def _account(data: dict[str, Any]) -> tuple[str, str, str | None, str | None]:
    """(homeserver, user id, password, access token), checked in that order."""
    homeserver = _get(data, "matrix.homeserver", str)
    if not re.match(r"^https?://[^\s/]+", homeserver):
        raise ConfigError(
            f"The setting 'matrix.homeserver' must be an address like https://matrix.example, "
            f"not '{homeserver}'."
        )
    user_id = _get(data, "matrix.user_id", str)
    if not re.fullmatch(r"@[^:\s]+:[^\s]+", user_id):
        raise ConfigError(
            f"The setting 'matrix.user_id' must look like @relais:server.org, not '{user_id}'."
        )
    password = _secret(data, "matrix.password", "RELAIS_MATRIX_PASSWORD")
    token = _secret(data, "matrix.access_token", "RELAIS_MATRIX_ACCESS_TOKEN")
    if not password and not token:
        raise ConfigError(
            "The setting 'matrix.password' (or 'matrix.access_token') is missing: the bot "
            "needs one to log in."
        )
    return homeserver, user_id, password, token


def _device_id(data: dict[str, Any], token: str | None) -> str | None:
    """Only meaningful with a token: a password login makes its own device."""
    device_id: str | None = _get(data, "matrix.device_id", str, required=False)
    if device_id is not None and not token:
        raise ConfigError("The setting 'matrix.device_id' goes with 'matrix.access_token': "
                          "remove it, or add the token that was issued for this device.")
    if device_id is not None and not re.fullmatch(r"[^\s]{1,255}", device_id):
        raise ConfigError(f"The setting 'matrix.device_id' must be a device id like ABCDEFGHIJ, "
                          f"not '{device_id}'.")
    return device_id


def _recovery_key(data: dict[str, Any]) -> str | None:
    """Checked here (base58, prefix, parity) so a typo is named before any network call."""
    from_env = bool(os.environ.get("RELAIS_RECOVERY_KEY"))
    key = os.environ["RELAIS_RECOVERY_KEY"] if from_env else _get(
        data, "matrix.recovery_key", str, required=False)
    if not key:
        return None
    where = "the environment variable RELAIS_RECOVERY_KEY" if from_env else \
        "the setting 'matrix.recovery_key'"
    try:
        decode_recovery_key(key)
    except RecoveryKeyError:
        raise ConfigError(f"The recovery key in {where} cannot be read (a character is wrong, "
                          "missing or extra): copy it again exactly.") from None
    return str(key)


def _mediators_room(data: dict[str, Any]) -> str:
    room: str = _get(data, "mediators.room", str)
    # Room ids of room version 12 (Synapse >= 1.135 by default) have no ':server' part.
    if not re.fullmatch(r"![^:\s]+(?::\S+)?|#[^:\s]+:\S+", room):
        raise ConfigError(
            f"The setting 'mediators.room' must be a room id (!abc:server) or alias "
            f"(#room:server), not '{room}'."
        )
    return room


def _path(data: dict[str, Any], base: Path, dotted: str, default: str) -> Path:
    """A path setting; a relative one is relative to the configuration file's folder."""
    value = _get(data, dotted, str, required=False, default=default)
    p = Path(value)
    return p if p.is_absolute() else (base / p)


def _mediators(data: dict[str, Any], room: str) -> MediatorsConfig:
    return MediatorsConfig(
        room=room,
        power_level=_get(data, "mediators.power_level", int, required=False, default=0),
        reload_power_level=_get(data, "mediators.reload_power_level", int, required=False,
                                default=50),
        reminder_minutes=_get(data, "mediators.reminder_minutes", int, required=False,
                              default=10),
        person_silent_hours=_get(data, "mediators.person_silent_hours", int, required=False,
                                 default=48),
        locale=_get(data, "mediators.locale", str, required=False, default="fr"),
        hours=_hours(data),
    )


def _privacy(data: dict[str, Any]) -> PrivacyConfig:
    return PrivacyConfig(
        organisation=_get(data, "privacy.organisation", str, required=False,
                          default="Relais"),
        contact=_get(data, "privacy.contact", str, required=False,
                     default="voir le site de votre structure"),
        state_days=_get(data, "privacy.state_days", int, required=False, default=30),
        ticket_days=_get(data, "privacy.ticket_days", int, required=False, default=7),
        k_anonymity=_get(data, "privacy.k_anonymity", int, required=False, default=5),
    )


def load_config(path: str | Path) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"The configuration file '{p}' does not exist: copy "
                          "config.example.yaml to start.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The configuration file '{p}' cannot be read ({exc}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"The configuration file '{p}' is not valid YAML{where}.") from None
    return parse(data, p.resolve().parent)
