"""The whole app on a real Synapse: a person in an encrypted DM talks to Relais.

Assertions are on what Matrix clients receive. Helpers are in tests/support/app.py, the
`run_app` and `bot_process` fixtures in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, StartupError
from bot.config import parse
from tests.support.app import (
    assert_notice,
    bot_messages,
    config_dict,
    open_dm,
    say,
    write_config,
)
from tests.support.matrix import REPO

pytestmark = pytest.mark.matrix


# --------------------------------------------------------------------------- tests


async def test_conversation_in_encrypted_dm(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    await run_app(config_dict(tmp_path, synapse, bot, bot_account.mediators_room), tmp_path)
    person = await make_person("camille")
    room = await open_dm(person, bot)

    first = await say(person, room, bot, "bonjour")
    content = assert_notice(first)
    assert first.decrypted, "the reply in an encrypted DM must be encrypted"
    assert "Je suis un robot" in first.body
    assert "Le centre social des Lilas" in first.body  # who runs the service, at first contact
    assert "Pour quelle démarche" in first.body and "1. La Caf" in first.body
    assert "<p>" in content["formatted_body"]
    assert bot not in first.body and person.user_id not in first.body

    caf = await say(person, room, bot, "1")
    assert_notice(caf)
    assert "Caf" in caf.body and "Quel est votre problème" in caf.body
    assert "Je suis un robot" not in caf.body  # the welcome is said once

    answer = await say(person, room, bot, "jarrive pa a mactualiser sur pole emplois")
    assert_notice(answer)
    assert "actualiser" in answer.body.lower(), answer.body
    assert "francetravail.fr" in answer.body
    assert "Traceback" not in answer.body

    # exactly one reply per message, and nothing else from the bot
    await asyncio.sleep(2)
    assert len(bot_messages(person, room, bot)) == 3


async def test_app_create_refuses_a_missing_mediators_room(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("lonelybot")
    data = config_dict(tmp_path, synapse, bot, "!nosuchroom:localhost")
    with pytest.raises(StartupError) as err:
        await App.create(parse(data, tmp_path))
    message = str(err.value)
    assert "mediators.room" in message and "\n" not in message


def run_cli(config: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING) ")


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    # Log lines share stderr (INFO at start-up is fine); besides them, one sentence only.
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not LOG_LINE.match(line)]
    assert len(lines) == 1, result.stderr
    assert not re.search(r" (ERROR|CRITICAL) ", result.stderr), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_bad_config_files_exit_2_with_one_sentence(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("cfgbot")
    good = config_dict(tmp_path, synapse, bot, "!room:localhost")

    missing = run_cli(tmp_path / "nope.yaml")
    assert_one_sentence(missing, "nope.yaml")

    broken = tmp_path / "broken.yaml"
    broken.write_text("matrix:\n  homeserver: [unclosed\n", encoding="utf-8")
    assert_one_sentence(run_cli(broken), "YAML", "line")

    no_user = {**good, "matrix": {k: v for k, v in good["matrix"].items() if k != "user_id"}}
    assert_one_sentence(run_cli(write_config(tmp_path / "nouser.yaml", no_user)),
                        "matrix.user_id")

    placeholder = config_dict(tmp_path, synapse, bot, "#mediateurs:CHANGE_ME.org")
    assert_one_sentence(run_cli(write_config(tmp_path / "example.yaml", placeholder)),
                        "mediators.room")

    hours = config_dict(tmp_path, synapse, bot, "!room:localhost",
                        mediators={"room": "!room:localhost",
                                   "hours": {"weekly": {"mon": ["9h-midi"]}}})
    assert_one_sentence(run_cli(write_config(tmp_path / "hours.yaml", hours)), "mon")


def test_wrong_password_exits_2_with_one_sentence(
    synapse: Any, register_user: Any, tmp_path: Path
) -> None:
    bot = register_user("pwbot")
    data = config_dict(tmp_path, synapse, bot, "!room:localhost",
                       matrix={"password": "not the password"})
    result = run_cli(write_config(tmp_path / "wrongpw.yaml", data))
    assert_one_sentence(result, "matrix.password")


async def test_process_log_has_no_ids_or_text(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    """The INFO log of `python -m bot run` names no person, room, device, nor what they wrote.

    A message sent before the bot's first start is the classic trigger: the bot cannot decrypt
    it (history) and nio complains about it, with user and device ids, unless kept quiet.
    """
    bot = bot_account.user_id
    proc = bot_process(config_dict(tmp_path, synapse, bot, bot_account.mediators_room))
    person = await make_person("zoe")
    room = await person.create_dm(bot)
    await person.send_text(room, "message secret avant le démarrage")
    proc.start()
    await proc.wait_running()
    await person.wait_joined(room, bot, timeout=60)
    await say(person, room, bot, "jarrive pa a mactualiser sur pole emplois")
    await say(person, room, bot, "quelqu'un")
    rc, _ = await proc.terminate()
    assert rc == 0
    log = proc.text()
    for secret in (person.user_id, person.user_id.split(":")[0], str(person.client.device_id),
                   room, bot_account.mediators_room, "secret", "mactualiser"):
        assert secret not in log, f"{secret!r} is in the bot's log:\n{log[-3000:]}"
