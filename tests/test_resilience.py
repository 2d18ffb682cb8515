"""The bot process under crashes, homeserver outages and shutdown: every message gets one reply.

The bot runs as `python -m bot run` (a real process that can be SIGKILLed); persons are nio
clients with E2EE. Replies are mapped to messages by content: "aide" gets the help text, "menu"
the menu without it.
"""



from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest
from nio import MegolmEvent

from tests.support.app import BotProcess, bot_messages, config_dict, say
from tests.support.matrix import Person, wait_until

pytestmark = pytest.mark.matrix

HELP_MARK = "Je donne des informations sur les démarches en ligne"
MENU_MARK = "Pour quelle démarche voulez-vous de l'aide ?"


def text_for(i: int) -> str:
    """Message i (from 0) of a person: alternately "menu" and "aide" (both always answered)."""
    return "menu" if i % 2 == 0 else "aide"


def check_replies(person: Person, room: str, bot: str, sent: list[str]) -> list[str]:
    """Problems with the bot's replies to `sent` (empty when each got exactly one, in order)."""
    replies = bot_messages(person, room, bot)
    problems = []
    if any(isinstance(r, MegolmEvent) for r in replies):
        problems.append("a reply could not be decrypted")
    bodies = [str(getattr(r, "body", "")) for r in replies]
    if len(bodies) != len(sent):
        problems.append(f"{len(sent)} messages but {len(bodies)} replies")
    for i, (text, body) in enumerate(zip(sent, bodies, strict=False)):
        is_help = HELP_MARK in body
        if (text == "aide") != is_help or MENU_MARK not in body:
            problems.append(f"reply {i} to {text!r} is wrong: {body[:80]!r}")
    if any("pas pu lire" in b for b in bodies):
        problems.append("the bot could not read a message")
    return problems


async def wait_all_answered(
    people: list[tuple[Person, str, list[str]]], bot: str, timeout: float
) -> None:
    def done() -> bool:
        return all(len(bot_messages(p, room, bot)) >= len(sent) for p, room, sent in people)

    try:
        await wait_until(done, timeout, "every message answered")
    except AssertionError:
        counts = [(len(sent), len(bot_messages(p, room, bot))) for p, room, sent in people]
        raise AssertionError(f"(sent, replies) per person: {counts}") from None


async def make_people(make_person: Any, n: int) -> list[Person]:
    people: list[Person] = []
    for start in range(0, n, 5):  # a few at a time: logins and key uploads are slow-ish
        people += await asyncio.gather(*(make_person("p") for _ in range(start, min(n, start + 5))))
    return people


async def test_sigkill_mid_traffic_every_message_answered_once(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    proc: BotProcess = bot_process(
        config_dict(tmp_path, synapse, bot, bot_account.mediators_room)
    )
    people = await make_people(make_person, 20)
    rooms = await asyncio.gather(*(p.create_dm(bot) for p in people))
    # Before the bot ever ran: history, never to be answered.
    await asyncio.gather(*(p.send_text(r, "menu") for p, r in zip(people, rooms, strict=True)))

    proc.start()
    await proc.wait_running()
    await asyncio.gather(*(p.wait_joined(r, bot, timeout=90)
                           for p, r in zip(people, rooms, strict=True)))

    per_person = 8
    sent: list[list[str]] = [[] for _ in people]
    total = len(people) * per_person
    killed = asyncio.Event()

    async def talk(k: int) -> None:
        rng = random.Random(k)
        for i in range(per_person):
            text = text_for(i)
            await people[k].send_text(rooms[k], text)
            sent[k].append(text)
            await asyncio.sleep(rng.uniform(0.2, 0.8))

    async def crash() -> None:
        for share, down in ((0.3, 2.0), (0.65, 0.5)):  # twice, the second restart at once
            await wait_until(lambda s=share: sum(map(len, sent)) >= total * s, 60, "traffic")
            proc.kill()
            await asyncio.sleep(down)
            proc.start()
            await proc.wait_running()
        killed.set()

    await asyncio.gather(crash(), *(talk(k) for k in range(len(people))))
    assert killed.is_set()
    assert sum(map(len, sent)) == total
    trio = [(p, r, s) for p, r, s in zip(people, rooms, sent, strict=True)]
    await wait_all_answered(trio, bot, timeout=120)
    await asyncio.sleep(5)  # late doubles would arrive now
    problems = {k: check_replies(p, r, bot, s) for k, (p, r, s) in enumerate(trio)}
    assert not {k: v for k, v in problems.items() if v}, problems
    # the very first reply is the first contact (welcome), so the pre-start message was skipped
    for p, r, _ in trio:
        assert "pas une personne" in str(bot_messages(p, r, bot)[0].body)
    assert proc.text().count("Traceback") == 0, proc.tail()


async def test_homeserver_down_20s_bot_resumes_alone(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    proc: BotProcess = bot_process(
        config_dict(tmp_path, synapse, bot, bot_account.mediators_room)
    )
    proc.start()
    await proc.wait_running()
    people = await make_people(make_person, 5)
    rooms = list(await asyncio.gather(*(p.create_dm(bot) for p in people)))
    await asyncio.gather(*(p.wait_joined(r, bot, timeout=60)
                           for p, r in zip(people, rooms, strict=True)))
    sent: list[list[str]] = [[] for _ in people]
    for k, p in enumerate(people):
        await say(p, rooms[k], bot, "menu")
        sent[k].append("menu")

    # messages in flight (the bot has not answered yet) when the homeserver goes away
    for k, p in enumerate(people):
        for text in ("aide", "menu"):
            await p.send_text(rooms[k], text)
            sent[k].append(text)
    await asyncio.to_thread(synapse.stop)
    try:
        await asyncio.sleep(20)
    finally:
        await asyncio.to_thread(synapse.start)
    for k, p in enumerate(people):
        await p.send_text(rooms[k], "aide")
        sent[k].append("aide")

    trio = [(p, r, s) for p, r, s in zip(people, rooms, sent, strict=True)]
    await wait_all_answered(trio, bot, timeout=120)
    await asyncio.sleep(4)
    problems = {k: check_replies(p, r, bot, s) for k, (p, r, s) in enumerate(trio)}
    assert not {k: v for k, v in problems.items() if v}, problems
    assert proc.proc is not None and proc.proc.poll() is None, "the bot died during the outage"
    log = proc.text()
    assert "Traceback" not in log, proc.tail()
    assert "unreachable" in log
    # "log once per outage": one warning per kind of call (sync, send, outbox), not per message
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) <= 4, "\n".join(warnings)
    rc, _ = await proc.terminate()
    assert rc == 0, proc.tail()


async def test_sigterm_exits_0_within_5_seconds(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    proc: BotProcess = bot_process(
        config_dict(tmp_path, synapse, bot, bot_account.mediators_room)
    )
    proc.start()
    await proc.wait_running()
    person = await make_person("p")
    room = await person.create_dm(bot)
    await person.wait_joined(room, bot, timeout=60)
    await say(person, room, bot, "menu")
    await asyncio.sleep(1)  # now in a long-poll /sync

    rc, seconds = await proc.terminate(timeout=15)
    assert rc == 0, proc.tail()
    assert seconds < 5, f"took {seconds:.1f} s"
    assert "Traceback" not in proc.text(), proc.tail()

    # a restart continues the same conversation: no welcome again, one reply
    proc.start()
    await proc.wait_running()
    reply = await say(person, room, bot, "aide")
    assert HELP_MARK in reply.body and "pas une personne" not in reply.body
    await asyncio.sleep(2)
    assert len(bot_messages(person, room, bot)) == 2
    rc, seconds = await proc.terminate(timeout=15)
    assert rc == 0 and seconds < 5, (rc, seconds)


async def test_sigterm_mid_traffic_loses_nothing(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    proc: BotProcess = bot_process(
        config_dict(tmp_path, synapse, bot, bot_account.mediators_room)
    )
    proc.start()
    await proc.wait_running()
    people = await make_people(make_person, 4)
    rooms = list(await asyncio.gather(*(p.create_dm(bot) for p in people)))
    await asyncio.gather(*(p.wait_joined(r, bot, timeout=60)
                           for p, r in zip(people, rooms, strict=True)))
    sent: list[list[str]] = [[] for _ in people]

    async def burst(k: int) -> None:
        for i in range(4):
            await people[k].send_text(rooms[k], text_for(i))
            sent[k].append(text_for(i))

    await asyncio.gather(*(burst(k) for k in range(len(people))))
    rc, seconds = await proc.terminate(timeout=15)  # while replies are being made and sent
    assert rc == 0 and seconds < 5, (rc, seconds, proc.tail())
    proc.start()
    await proc.wait_running()
    trio = [(p, r, s) for p, r, s in zip(people, rooms, sent, strict=True)]
    await wait_all_answered(trio, bot, timeout=60)
    await asyncio.sleep(3)
    problems = {k: check_replies(p, r, bot, s) for k, (p, r, s) in enumerate(trio)}
    assert not {k: v for k, v in problems.items() if v}, problems
