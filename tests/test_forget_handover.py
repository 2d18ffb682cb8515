"""Erasure asked by the person in the middle of a handover, end to end on Synapse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.app import open_dm, say
from tests.support.threads import (
    ask_for_someone,
    count_body,
    in_thread_send,
    started_app,
    wait_body,
    wait_root,
    wait_thread,
)

pytestmark = pytest.mark.matrix


async def test_person_erases_during_a_handover(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id
    await in_thread_send(a, room, root, "!prendre")
    await wait_body(p, dm, bot, "a pris votre demande")

    # "non" keeps the handover: the next message still reaches the thread
    asked = await say(p, dm, bot, "oublie-moi")
    assert "efface" in asked.body
    await say(p, dm, bot, "non")
    await p.send_text(dm, "toujours là")
    await wait_thread(a, room, bot, root, "toujours là")
    assert count_body(a, room, bot, "oublie-moi") == 0, "the question is the bot's, not relayed"

    # "oui" erases: the person is told, the thread is told and closed
    await say(p, dm, bot, "supprimer mes données")
    done = await say(p, dm, bot, "oui")
    assert "C'est effacé" in done.body
    await wait_thread(a, room, bot, root, "demandé l'effacement")
    await in_thread_send(a, room, root, "vous êtes là ?")
    await wait_thread(a, room, bot, root, "est fermée")
    assert count_body(p, dm, bot, "vous êtes là") == 0
