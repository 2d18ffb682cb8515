"""``python -m bot doctor --config FILE``: every check of a deployment, one line each.

``✓ <what>`` or ``✗ <what>: <one sentence to fix it>``; exit 0 only when every line is ✓.
The files first (config, dialogues, catalogs, database: the same checks ``run`` makes), then
what the homeserver says. Doctor changes nothing the bot owns (bot/matrix/probe.py) and never
shows a traceback: an unexpected error is one more ✗ line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.config import Config, ConfigError, load_config
from bot.preflight import Check, failed, local_checks, passed

CONFIG = "config keys"
DATABASE = "database writable and migrated"
#: what cannot be asked once an earlier Matrix check failed
LATER = ("login valid", "device keys uploaded and cross-signed",
         "recovery key present and matching", "mediators' room joined")


async def _database(config: Config) -> Check:
    from bot.store.health import inspect

    health = await inspect(config.database)
    return Check(DATABASE, health.ok, health.sentence)


def _not_checked(names: tuple[str, ...], why: str) -> list[Check]:
    return [failed(name, f"not checked: {why}") for name in names]


async def _matrix(config: Config) -> list[Check]:
    from bot.matrix import probe

    client = probe.new_client(config)
    session = None
    checks: list[Check] = []
    try:
        checks.append(await probe.homeserver(client, config))
        if not checks[-1].ok:
            return checks + _not_checked(LATER, "the homeserver cannot be reached.")
        login, session = await probe.sign_in(client, config)
        checks.append(login)
        if session is None:
            return checks + _not_checked(LATER[1:], "the login failed.")
        checks.append(await probe.device_keys(session))
        checks.append(await probe.recovery_key(session, config))
        checks += await probe.mediators_room(session, config)
    except probe.NETWORK:
        checks.append(failed("homeserver", "It stopped answering during the checks: "
                                           + probe.unreachable(config)))
    except Exception as exc:  # an answer nobody expected: one line, never a traceback
        checks.append(_unexpected(exc))
    finally:
        await probe.finish(session, client)
    return checks


def _unexpected(exc: Exception) -> Check:
    return failed("doctor", f"an unexpected error stopped the checks ({type(exc).__name__}: "
                            f"{str(exc)[:120]}): please report it with this line.")


def _keys(path: str) -> Check:
    """Unknown keys (a typo is ignored by the parser); the file was read once already."""
    from bot.config_keys import check_keys

    return check_keys(yaml.safe_load(Path(path).read_text(encoding="utf-8")), path)


async def diagnose(config: Config, keys: Check | None = None) -> list[Check]:
    """Every check, in the order an admin fixes things."""
    checks = [keys or passed(CONFIG), *local_checks(config), await _database(config)]
    return checks + await _matrix(config)


def _guarded(step: Callable[[], Any]) -> list[Check]:
    """No traceback reaches the admin: an unexpected error is one ✗ line naming its kind."""
    try:
        result: list[Check] = step()
    except Exception as exc:
        return [_unexpected(exc)]
    return result


def cmd_doctor(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(failed(CONFIG, str(exc)).line())
        return 1
    checks = _guarded(lambda: asyncio.run(diagnose(config, _keys(args.config))))
    for check in checks:
        print(check.line())
    bad = sum(1 for c in checks if not c.ok)
    print(f"{len(checks) - bad} of {len(checks)} checks passed." if bad else
          "Everything is ready: start the bot with 'python -m bot run'.", file=sys.stderr)
    return 1 if bad else 0


def register(sub: Any) -> None:
    p = sub.add_parser("doctor", help="check a deployment: files, homeserver, keys, room")
    p.add_argument("--config", default="config.yaml")
    p.set_defaults(func=cmd_doctor)
