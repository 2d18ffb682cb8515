"""Reloading without a restart, on the real Synapse: SIGHUP to a bot process, and !recharger.

Cast: P (a person in an encrypted DM with the bot), A (the mediator who created the
mediators' room: power 100), O (a member of that room at power 0). The bot reads a
temporary copy of the shipped dialogues, which the test breaks and then fixes.
"""

from __future__ import annotations

import re
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from bot.desk import texts as D
from bot.dialogue.vanished import NODE_GONE
from tests.support.app import BotProcess, config_dict, open_dm, say
from tests.support.matrix import REPO, Person, wait_until
from tests.support.threads import add_member, relation, room_messages

pytestmark = pytest.mark.matrix

OLD = "Une adresse mail est indispensable pour les démarches."
NEW = "Une adresse mail sert à presque toutes les démarches."
PIRATE = "Ce n'est pas de votre faute, cela arrive à beaucoup de monde."
MENU = "Pour quelle démarche voulez-vous de l'aide ?"
DRAFT = """\
version: 1
topic:
  id: brouillon
  title: Brouillon
  entry: debut
nodes:
  - id: autre
    text: Rien.
    end: menu
"""


def main_messages(mediator: Person, room: str, bot: str) -> list[Any]:
    """The bot's messages in the room's timeline: neither in a thread nor an edit."""
    return [e for e in room_messages(mediator, room, bot) if "rel_type" not in relation(e)]


def main_bodies(mediator: Person, room: str, bot: str) -> list[str]:
    return [str(e.source["content"].get("body", "")) for e in main_messages(mediator, room, bot)]


def replied_to(mediator: Person, room: str, bot: str, needle: str) -> str | None:
    """The event a bot message holding `needle` answers (m.in_reply_to), if any."""
    for e in main_messages(mediator, room, bot):
        if needle in str(e.source["content"].get("body", "")):
            return relation(e).get("m.in_reply_to", {}).get("event_id")
    return None


async def wait_room_text(mediator: Person, room: str, bot: str, needle: str, count: int = 1,
                         timeout: float = 120) -> str:
    """The `count`-th bot message of the room's main timeline holding `needle`."""
    def found() -> list[str]:
        return [b for b in main_bodies(mediator, room, bot) if needle in b]

    await wait_until(lambda: len(found()) >= count, timeout, f"{needle!r} in the room")
    return found()[count - 1]


def hangup(proc: BotProcess) -> None:
    assert proc.proc is not None and proc.proc.poll() is None
    proc.proc.send_signal(signal.SIGHUP)


async def test_sighup_keeps_the_last_good_tree_then_takes_the_fixed_one(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    dialogues = tmp_path / "dialogues"
    shutil.copytree(REPO / "dialogues", dialogues)
    email = dialogues / "email.yaml"
    original = email.read_text(encoding="utf-8")
    assert OLD in original and "  - id: pirate\n" in original
    fixed = (original.replace(OLD, NEW).replace("  - id: pirate\n", "  - id: piratage\n")
             .replace("goto: pirate\n", "goto: piratage\n"))
    proc: BotProcess = bot_process(config_dict(tmp_path, synapse, bot, room,
                                               dialogues={"path": str(dialogues)}))
    proc.start()
    await proc.wait_running()
    await a.wait_membership(room, bot, "join")
    p = await make_person("person")
    dm = await open_dm(p, bot)
    assert OLD in (await say(p, dm, bot, "mail")).body

    # broken: a YAML error in email.yaml (so identifiants.yaml's links to it break too) and a
    # draft whose entry node is missing; the room gets every problem in one message
    email.write_text(fixed.replace("nodes:\n", "nodes:\n  - id: [pas fermé\n", 1),
                     encoding="utf-8")
    (dialogues / "brouillon.yaml").write_text(DRAFT, encoding="utf-8")
    hangup(proc)
    refused = await wait_room_text(a, room, bot, "Dialogues non rechargés")
    assert "Relais garde les anciens et continue de répondre." in refused
    assert "dialogues/brouillon.yaml:5:10: the entry node 'debut' does not exist" in refused
    assert re.search(r"dialogues/email\.yaml:\d+:\d+: this is not valid YAML", refused)
    assert len(re.findall(r"dialogues/identifiants\.yaml:\d+:\d+: ", refused)) == 2
    assert "Traceback" not in refused
    # the bot keeps answering from the last good tree
    assert PIRATE in (await say(p, dm, bot, "3")).body
    log = proc.text()
    assert re.search(r"WARNING.*dialogues/brouillon\.yaml:5:10", log), log[-3000:]
    assert "Traceback" not in log

    # fixed (and the node the person stands on renamed): the next SIGHUP takes it
    email.write_text(fixed, encoding="utf-8")
    (dialogues / "brouillon.yaml").unlink()
    hangup(proc)
    done = await wait_room_text(a, room, bot, "Dialogues et traductions rechargés")
    assert re.fullmatch(r"Dialogues et traductions rechargés : 14 sujets, \d+ étapes\.", done)
    back = await say(p, dm, bot, "oui")
    assert back.body.startswith(NODE_GONE) and MENU in back.body
    assert NEW in (await say(p, dm, bot, "mail")).body
    assert len(main_bodies(a, room, bot)) == 2  # one message per SIGHUP, nothing else
    log = proc.text()
    assert p.user_id not in log and dm not in log and "presque toutes" not in log


async def test_recharger_needs_the_reload_power_level(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    proc: BotProcess = bot_process(config_dict(tmp_path, synapse, bot, room))
    proc.start()
    await proc.wait_running()
    await a.wait_membership(room, bot, "join")
    o = await make_person("outsider")
    await add_member(a, room, o)  # power 0: a mediator (mediators.power_level 0), not more

    asked = await o.send_text(room, "!recharger")
    refused = await wait_room_text(a, room, bot, "recharger les dialogues demande", timeout=30)
    assert refused == ("Désolé, recharger les dialogues demande le niveau 50 dans cette salle. "
                       "Demandez à un responsable.")
    assert replied_to(a, room, bot, "recharger les dialogues demande") == asked
    asked = await a.send_text(room, "!reload")
    done = await wait_room_text(a, room, bot, "Dialogues et traductions rechargés", timeout=60)
    assert re.fullmatch(r"Dialogues et traductions rechargés : \d+ sujets, \d+ étapes\.", done)
    assert replied_to(a, room, bot, "Dialogues et traductions rechargés") == asked
    await a.send_text(room, "!aide")
    assert "!recharger (!reload)" in await wait_room_text(a, room, bot, "!prendre", timeout=30)
    assert not any(D.RELOAD_UNAVAILABLE in b for b in main_bodies(a, room, bot))
