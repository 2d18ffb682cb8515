"""Handover to human mediators, end to end on Synapse: what the person and mediators receive.

Cast: P (person, encrypted DM with the bot), A (mediator who created the mediators' room and
invited the bot), B (second mediator), O (a member of the room without the power to act).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from nio import (
    UploadResponse,
)

from bot.i18n import format_when
from bot.matrix.crosssign import matrix_request
from tests.support.app import BotProcess, assert_notice, bot_messages, config_dict, open_dm, say
from tests.support.matrix import wait_until
from tests.support.threads import (
    add_member,
    ask_for_someone,
    count_body,
    in_thread_send,
    react,
    relation,
    room_messages,
    roots,
    started_app,
    thread,
    thread_bodies,
    wait_body,
    wait_main,
    wait_root,
    wait_thread,
)

pytestmark = pytest.mark.matrix


# --------------------------------------------------------------------------- tests


async def test_full_handover_cycle(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path, mediators={"power_level": 50})
    o = await make_person("outsider")
    await add_member(a, room, o)  # a member at power 0: may read, may not act
    p = await make_person("person")
    dm = await open_dm(p, bot)

    await ask_for_someone(p, dm, bot)
    waiting = await wait_body(p, dm, bot, "Vous êtes n°1 dans la file d'attente.")
    assert "L'équipe est là en ce moment." in waiting.body  # no hours configured: always open

    root = await wait_root(a, room, bot)
    body = root.source["content"]["body"]
    assert "Personne n°" in body and "quelqu'un" in body
    assert p.user_id not in body and p.user_id.split(":")[0].lstrip("@") not in body
    assert dm not in body
    assert root.source["content"]["m.mentions"] == {}
    root_id = root.event_id

    # O is in the room but below the configured power level: refused, ticket stays free.
    await in_thread_send(o, room, root_id, "!prendre")
    await wait_thread(a, room, bot, root_id, "Vous n'avez pas le droit")

    await a.send_text(room, "!nom Léa")
    await wait_main(a, room, bot, "« Léa »")
    await in_thread_send(a, room, root_id, "!prendre")
    await wait_thread(a, room, bot, root_id, "Vous avez pris la demande n°")
    claimed = await wait_body(p, dm, bot, "Léa, de l'équipe, a pris votre demande.")
    assert_notice(claimed)
    assert count_body(p, dm, bot, "a pris votre demande") == 1

    def root_edits() -> list[Any]:
        return [e for e in room_messages(a, room, bot)
                if relation(e).get("rel_type") == "m.replace"
                and relation(e).get("event_id") == root_id]

    await wait_until(lambda: any("Prise par Léa" in e.source["content"]["m.new_content"]["body"]
                                 for e in root_edits()), 30, "the root edited")

    # person -> thread
    await p.send_text(dm, "j'ai un souci avec ma caf")
    relayed = await wait_thread(a, room, bot, root_id, "j'ai un souci avec ma caf")
    assert relayed.source["content"]["m.mentions"] == {}

    # mediator -> person, under the chosen first name; a //note stays in the room
    await in_thread_send(a, room, root_id, "//note : dossier déjà vu la semaine dernière")
    await in_thread_send(a, room, root_id, "Bonjour, je regarde votre dossier.")
    got = await wait_body(p, dm, bot, "je regarde votre dossier")
    assert got.body == "Léa : Bonjour, je regarde votre dossier."
    assert_notice(got)
    await asyncio.sleep(1)
    assert count_body(p, dm, bot, "dossier déjà vu") == 0

    # an image from the person reaches the thread as an image, bytes intact
    image = b"\x89PNG\r\n\x1a\n" + b"courrier de la caf " * 200
    up, keys = await p.client.upload(io.BytesIO(image), content_type="image/png",
                                     filename="courrier.png", encrypt=True, filesize=len(image))
    assert isinstance(up, UploadResponse) and keys is not None
    await p.send_content(dm, {"msgtype": "m.image", "body": "courrier.png",
                              "info": {"mimetype": "image/png", "size": len(image)},
                              "file": {**keys, "url": up.content_uri}})
    await wait_until(lambda: any(e.source["content"].get("msgtype") == "m.image"
                                 for e in thread(a, room, bot, root_id)), 30, "the image")
    shown = next(e for e in thread(a, room, bot, root_id)
                 if e.source["content"].get("msgtype") == "m.image")
    downloaded = await a.client.download(mxc=shown.source["content"]["url"])
    assert downloaded.body == image

    # the person cannot run mediators' commands: they are just text to relay
    # ("!fin" is not tried here: "fin" is the person's own word to stop, see the bot-mode test)
    await p.send_text(dm, "!prendre")
    await p.send_text(dm, "!file")
    await wait_thread(a, room, bot, root_id, "!file")
    bodies = thread_bodies(a, room, bot, root_id)
    assert "!prendre" in bodies and "!file" in bodies
    assert sum("Vous avez pris" in b for b in bodies) == 1
    assert not [b for b in bodies if " · " in b]  # no queue listing
    await in_thread_send(a, room, root_id, "Toujours là.")
    await wait_body(p, dm, bot, "Léa : Toujours là.")

    # O still cannot close it
    await in_thread_send(o, room, root_id, "!fin")
    await wait_until(lambda: thread_bodies(a, room, bot, root_id).count(
        "Vous n'avez pas le droit de faire cela dans cette salle.") == 2, 30, "second refusal")

    # A closes: the person gets the closing and the 1-5 question, rates, is back at the menu
    await in_thread_send(a, room, root_id, "!fin")
    await wait_thread(a, room, bot, root_id, "est fermée")
    closing = await wait_body(p, dm, bot, "La conversation avec l'équipe est terminée.")
    assert "Donnez une note de 1" in closing.body
    await wait_until(lambda: any("Fermée." in e.source["content"]["m.new_content"]["body"]
                                 for e in root_edits()), 30, "the root marked closed")
    thanks = await say(p, dm, bot, "4")
    assert "Merci pour votre note." in thanks.body
    assert "Pour quelle démarche" in thanks.body
    menu = await say(p, dm, bot, "1")
    assert "Je peux vous aider pour la Caf" in menu.body

    # nothing was doubled
    assert count_body(p, dm, bot, "Léa : Bonjour, je regarde votre dossier.") == 1
    assert thread_bodies(a, room, bot, root_id).count("j'ai un souci avec ma caf") == 1


async def test_outsider_outside_the_room_cannot_act(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    """Someone not in the mediators' room cannot post there; the DM never accepts commands."""
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    o = await make_person("stranger")
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = await wait_root(a, room, bot)
    status, _ = await matrix_request(
        o.client, "PUT",
        f"/_matrix/client/v3/rooms/{quote(room, safe='')}/send/m.room.message/outsider1",
        {"msgtype": "m.text", "body": "!prendre",
         "m.relates_to": {"rel_type": "m.thread", "event_id": root.event_id}},
    )
    assert status == 403  # the room is the gate: a non-member cannot even post

    # in bot mode, "!file" from the person is an ordinary (not understood) message
    p2 = await make_person("person")
    dm2 = await open_dm(p2, bot)
    await say(p2, dm2, bot, "bonjour")
    for command in ("!file", "!prendre", "!fin"):
        reply = await say(p2, dm2, bot, command)
        assert "n°1" not in reply.body and "libre" not in reply.body, reply.body
        assert "Vous avez pris" not in reply.body and "fermée" not in reply.body, reply.body
    await asyncio.sleep(1)
    assert len(thread(a, room, bot, root.event_id)) == 0  # no claim, no listing in the thread


async def test_simultaneous_claims_one_winner(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    b = await make_person("mediatorb")
    await add_member(a, room, b)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id
    await a.send_text(room, "!nom Anne")
    await b.send_text(room, "!nom Bruno")
    await wait_main(a, room, bot, "« Bruno »")

    await asyncio.gather(in_thread_send(a, room, root, "!prendre"),
                         in_thread_send(b, room, root, "!prendre"))
    await wait_thread(a, room, bot, root, "Vous avez pris la demande")
    await wait_thread(a, room, bot, root, "Déjà prise par")
    await asyncio.sleep(1.5)
    bodies = thread_bodies(a, room, bot, root)
    assert sum("Vous avez pris la demande" in x for x in bodies) == 1, bodies
    lost = [x for x in bodies if x.startswith("Déjà prise par")]
    assert len(lost) == 1, bodies
    winner = "Anne" if lost[0] == "Déjà prise par Anne." else "Bruno"
    assert lost[0] in ("Déjà prise par Anne.", "Déjà prise par Bruno.")
    await wait_body(p, dm, bot, f"{winner}, de l'équipe, a pris votre demande.")
    await asyncio.sleep(1)
    assert count_body(p, dm, bot, "a pris votre demande") == 1

    # a 👍 on a taken request's root does not steal it either
    await react(b if winner == "Anne" else a, room, root, "👍")
    await wait_until(lambda: sum(x.startswith("Déjà prise par")
                                 for x in thread_bodies(a, room, bot, root)) == 2, 30,
                     "the 👍 refused")

    # only the winner's messages reach the person
    loser_client = b if winner == "Anne" else a
    await in_thread_send(loser_client, room, root, "je peux aider aussi")
    await wait_thread(a, room, bot, root, "Vos messages ne sont pas transmis")
    assert count_body(p, dm, bot, "je peux aider aussi") == 0


async def test_person_text_is_inert_in_the_thread(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id
    nasty = (f"@room regardez {a.user_id} <a href=\"https://evil.example\">ici</a> "
             "<img src=\"mxc://evil.example/x\">")
    await p.send_content(dm, {
        "msgtype": "m.text",
        "body": nasty,
        "format": "org.matrix.custom.html",
        "formatted_body": (f"@room <a href=\"https://matrix.to/#/{a.user_id}\">A</a> "
                           "<a href=\"https://evil.example\">ici</a> "
                           "<img src=\"mxc://evil.example/x\">"),
        "m.mentions": {"user_ids": [a.user_id], "room": True},
    })
    relayed = await wait_thread(a, room, bot, root, "regardez")
    content = relayed.source["content"]
    assert content["m.mentions"] == {}
    html = content.get("formatted_body", "")
    assert "<a" not in html and "<img" not in html, html
    assert "&lt;a href" in html and "&lt;img" in html
    assert "@room" not in content["body"] and "@room" not in html  # defused for keyword pings
    assert "matrix.to" not in html


async def test_sigkill_mid_handover_nothing_lost_nothing_doubled(
    synapse: Any, bot_account: Any, make_person: Any, bot_process: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    proc: BotProcess = bot_process(config_dict(tmp_path, synapse, bot, room))
    proc.start()
    await proc.wait_running()
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id
    await a.send_text(room, "!nom Léa")
    await in_thread_send(a, room, root, "!prendre")
    await wait_body(p, dm, bot, "Léa, de l'équipe, a pris votre demande.")

    # traffic both ways, killed in the middle of it
    sent_p = [f"message de la personne {i}" for i in range(1, 7)]
    sent_a = [f"réponse de Léa {i}" for i in range(1, 7)]
    for i in range(3):
        await p.send_text(dm, sent_p[i])
        await in_thread_send(a, room, root, sent_a[i])
    await asyncio.sleep(0.3)
    proc.kill()
    for i in range(3, 6):  # while the bot is dead
        await p.send_text(dm, sent_p[i])
        await in_thread_send(a, room, root, sent_a[i])
    proc.start()
    await proc.wait_running()

    for text in sent_p:
        await wait_thread(a, room, bot, root, text, timeout=60)
    for text in sent_a:
        await wait_body(p, dm, bot, text, timeout=60)
    await asyncio.sleep(3)
    bodies = thread_bodies(a, room, bot, root)
    for text in sent_p:
        assert bodies.count(text) == 1, (text, bodies)
    for text in sent_a:
        assert count_body(p, dm, bot, text) == 1, text
    assert count_body(p, dm, bot, "a pris votre demande") == 1
    assert not [e for e in bot_messages(p, dm, bot) if "pas pu lire" in str(getattr(e, "body", ""))]
    rc, seconds = await proc.terminate()
    assert rc == 0 and seconds < 5


def next_sunday_3am(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(ZoneInfo("Europe/Paris"))
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        at = dt.datetime.combine(day, dt.time(3, 0), tzinfo=ZoneInfo("Europe/Paris"))
        if day.weekday() == 6 and at > local:
            return at
    raise AssertionError("no Sunday within a week")


async def test_outside_office_hours_person_told_when_team_returns(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    local = now.astimezone(ZoneInfo("Europe/Paris"))
    if local.weekday() == 6 and local.hour == 3 and local.minute < 2:
        pytest.skip("the test runs inside the only open minute of the week")
    bot = bot_account.user_id
    hours = {"timezone": "Europe/Paris", "weekly": {"sun": ["03:00-03:01"]}}
    await started_app(run_app, synapse, bot_account, tmp_path,
                      mediators={"room": bot_account.mediators_room, "hours": hours})
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    told = await wait_body(p, dm, bot, "L'équipe n'est pas là en ce moment.")
    when = format_when(next_sunday_3am(now), "fr")
    assert when.startswith("dimanche ") and when.endswith(" à 03:00"), when
    assert f"Elle revient {when}." in told.body, told.body


async def test_distress_creates_a_priority_ticket_listed_first(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    calm = await make_person("person")
    dm1 = await open_dm(calm, bot)
    await ask_for_someone(calm, dm1, bot)
    await wait_root(a, room, bot, 1)

    sad = await make_person("person")
    dm2 = await open_dm(sad, bot)
    await say(sad, dm2, bot, "bonjour")
    await say(sad, dm2, bot, "2")  # in the middle of a normal conversation
    care = await say(sad, dm2, bot, "je veux mourir")
    assert "3114" in care.body
    root = await wait_root(a, room, bot, 2)
    assert "URGENTE" in root.source["content"]["body"]

    before = len([e for e in room_messages(a, room, bot) if not relation(e)])
    await a.send_text(room, "!file")
    listing = await wait_main(a, room, bot, "n°", after=before)
    lines = listing.source["content"]["body"].splitlines()
    assert len(lines) == 2, lines
    assert "URGENTE" in lines[0] and "n°2" in lines[0], lines
    assert "normale" in lines[1] and "n°1" in lines[1], lines

    # 👍 on the root claims it (as the root says)
    await react(a, room, root.event_id, "👍")
    await wait_body(sad, dm2, bot, "a pris votre demande")
    await wait_thread(a, room, bot, root.event_id, "Vous avez pris la demande n°2")

    # distress while already waiting in the queue: safety numbers, relayed, priority raised
    first_root = roots(a, room, bot)[0].event_id
    care = await say(calm, dm1, bot, "en fait je veux mourir")
    assert "3114" in care.body
    await wait_thread(a, room, bot, first_root, "en fait je veux mourir")
    await wait_thread(a, room, bot, first_root, "URGENTE")
    before = len([e for e in room_messages(a, room, bot) if not relation(e)])
    await a.send_text(room, "!file")
    listing = await wait_main(a, room, bot, "n°", after=before)
    lines = listing.source["content"]["body"].splitlines()
    assert all("URGENTE" in line for line in lines), lines


async def test_release_stop_and_leave(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    """!liberer puts the request back (root shows it free), "stop" and leaving close it."""
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id

    def last_root_body() -> str:
        edits = [e for e in room_messages(a, room, bot)
                 if relation(e).get("rel_type") == "m.replace"
                 and relation(e).get("event_id") == root]
        return str(edits[-1].source["content"]["m.new_content"]["body"]) if edits else ""

    await in_thread_send(a, room, root, "!prendre")
    await wait_body(p, dm, bot, "a pris votre demande")
    await wait_until(lambda: last_root_body().startswith("Prise par"), 30, "root taken")
    await in_thread_send(a, room, root, "!liberer")
    await wait_thread(a, room, bot, root, "revient dans la file")
    await wait_body(p, dm, bot, "Votre demande attend une autre personne de l'équipe.")
    await wait_until(lambda: not last_root_body().startswith("Prise par"), 30,
                     "the root no longer says who took it")
    assert last_root_body().startswith("Demande n°1"), last_root_body()

    # the person stops: told, back at the menu; the thread is told; the root says closed
    stopped = await say(p, dm, bot, "stop")
    assert "Vous êtes revenu au menu du robot" in stopped.body
    await wait_thread(a, room, bot, root, "La personne a arrêté la conversation.")
    await wait_until(lambda: last_root_body().startswith("Fermée."), 30, "root closed")
    await in_thread_send(a, room, root, "vous êtes encore là ?")
    await wait_thread(a, room, bot, root, "est fermée")
    assert count_body(p, dm, bot, "encore là") == 0

    # a second request, then the person leaves the DM
    await say(p, dm, bot, "quelqu'un")
    await say(p, dm, bot, "oui")
    root2 = (await wait_root(a, room, bot, 2)).event_id
    assert "Demande n°2" in roots(a, room, bot)[1].source["content"]["body"]
    await p.client.room_leave(dm)
    await wait_thread(a, room, bot, root2, "La personne a quitté la conversation.")


async def test_english_speaker_handover(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    first = await say(p, dm, bot, "Hello, I cannot log in to my CAF account, can you help me?")
    assert "Pour quelle démarche" not in first.body, first.body  # answered in English
    await say(p, dm, bot, "I want to talk to someone")
    done = await say(p, dm, bot, "yes")
    waiting = await wait_body(p, dm, bot, "You are number 1 in the queue.")
    assert "équipe" not in waiting.body and "équipe" not in done.body, (done.body, waiting.body)
    root = await wait_root(a, room, bot)
    assert "Langue : en" in root.source["content"]["body"]  # mediators read French
    await in_thread_send(a, room, root.event_id, "!prendre")
    claimed = await wait_body(p, dm, bot, "A person from the team")
    assert "équipe" not in claimed.body, claimed.body
    await in_thread_send(a, room, root.event_id, "Hello! I am looking at it.")
    got = await wait_body(p, dm, bot, "I am looking at it")
    assert got.body == "A person from the team : Hello! I am looking at it.", got.body


async def test_transfer_media_back_and_room_commands(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started_app(run_app, synapse, bot_account, tmp_path)
    b = await make_person("mediatorb")
    await add_member(a, room, b)
    p = await make_person("person")
    dm = await open_dm(p, bot)

    await a.send_text(room, "!aide")
    await wait_main(a, room, bot, "!prendre")
    await a.send_text(room, "!nimportequoi")
    await wait_main(a, room, bot, "!nimportequoi")
    await a.send_text(room, "!file")
    await wait_main(a, room, bot, "Aucune demande en attente.")

    await ask_for_someone(p, dm, bot)
    root = (await wait_root(a, room, bot)).event_id
    await b.send_text(room, "!nom Bruno")
    await wait_main(a, room, bot, "« Bruno »")
    await in_thread_send(a, room, root, "!prendre")
    await wait_body(p, dm, bot, "a pris votre demande")
    await in_thread_send(a, room, root, f"!transferer {b.user_id}")
    await wait_thread(a, room, bot, root, "est maintenant à Bruno")
    await in_thread_send(a, room, root, "message de A après le transfert")
    await wait_thread(a, room, bot, root, "Vos messages ne sont pas transmis")
    await in_thread_send(b, room, root, "Bonjour, c'est Bruno.")
    got = await wait_body(p, dm, bot, "c'est Bruno")
    assert got.body == "Bruno : Bonjour, c'est Bruno."
    assert count_body(p, dm, bot, "après le transfert") == 0

    # an image from the mediator reaches the person's encrypted DM
    image = b"\x89PNG\r\n\x1a\n" + b"capture d'ecran " * 100
    up, _ = await b.client.upload(io.BytesIO(image), content_type="image/png",
                                  filename="capture.png", filesize=len(image))
    assert isinstance(up, UploadResponse)
    await b.send_content(room, {
        "msgtype": "m.image", "body": "capture.png", "url": up.content_uri,
        "info": {"mimetype": "image/png", "size": len(image)},
        "m.relates_to": {"rel_type": "m.thread", "event_id": root, "is_falling_back": True,
                         "m.in_reply_to": {"event_id": root}},
    })
    await wait_until(lambda: any(getattr(e, "source", {}).get("content", {}).get("msgtype")
                                 == "m.image" for e in bot_messages(p, dm, bot)), 30, "image")
    shown = next(e for e in bot_messages(p, dm, bot)
                 if e.source["content"].get("msgtype") == "m.image")
    assert "file" in shown.source["content"] and "url" not in shown.source["content"]

    await a.send_text(room, "!stats")
    await wait_main(a, room, bot, "Statistiques")

    # !oublier: the person's data goes; their next message is not relayed
    await in_thread_send(b, room, root, "!oublier")
    await wait_thread(a, room, bot, root, "sont effacées")
    await asyncio.sleep(1)
    before = len(thread(a, room, bot, root))
    reply = await say(p, dm, bot, "vous êtes là ?")
    assert "Pour quelle démarche" in reply.body or "Je suis un robot" in reply.body, reply.body
    await asyncio.sleep(1.5)
    assert len(thread(a, room, bot, root)) == before
    assert "vous êtes là" not in " ".join(thread_bodies(a, room, bot, root))
