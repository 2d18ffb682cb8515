"""The person's language on a real Synapse: detection, switching, handover, distress.

Assertions are on what Matrix clients receive: the person's decrypted notices (body and
formatted_body) and the mediators' room. Expected sentences come from the compiled catalogs,
so a translation that stops being used (the bot falls back to French) makes these tests fail.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.desk import texts as H
from bot.dialogue import texts as T
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.i18n import Catalogs
from tests.support.app import assert_notice, bot_messages, config_dict, open_dm, say
from tests.support.matrix import wait_until
from tests.support.threads import (
    ask_for_someone,
    count_body,
    in_thread_send,
    relation,
    room_messages,
    thread_bodies,
    wait_body,
    wait_main,
    wait_root,
    wait_thread,
)

pytestmark = pytest.mark.matrix

REPO = Path(__file__).resolve().parent.parent
CATALOGS = Catalogs.load(REPO / "locales")
MENU = Engine(load(REPO / "dialogues").tree).menu


def tr(locale: str, msgid: str, **params: str) -> str:
    """The sentence as the person must read it; fails when the catalog lacks it."""
    assert locale == "fr" or CATALOGS.is_translated(locale, msgid), (locale, msgid)
    return CATALOGS.text(locale, msgid, tuple(params.items()))


def menu_lines(locale: str) -> list[str]:
    return [f"{i}. {CATALOGS.gettext(locale, t.title)}" for i, t in enumerate(MENU, start=1)]


def html_of(event: Any) -> str:
    return str(event.source["content"].get("formatted_body", ""))


def assert_rtl(event: Any) -> None:
    content = assert_notice(event)
    assert 'dir="rtl"' in content["formatted_body"], content["formatted_body"]


def assert_no_rtl(event: Any) -> None:
    assert 'dir="rtl"' not in html_of(event), html_of(event)


async def started(run_app: Any, synapse: Any, bot_account: Any, tmp_path: Path) -> None:
    data = config_dict(tmp_path, synapse, bot_account.user_id, bot_account.mediators_room)
    await run_app(data, tmp_path)
    await bot_account.mediator.wait_membership(
        bot_account.mediators_room, bot_account.user_id, "join"
    )


# --------------------------------------------------------------------------- switching


async def test_switch_language_mid_conversation(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    await started(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)

    first = await say(p, dm, bot, "bonjour")
    assert all(line in first.body for line in menu_lines("fr")), first.body
    await say(p, dm, bot, "1")  # inside a topic

    # a language named: English at once, back at the menu, menu titles in English
    en = await say(p, dm, bot, "english")
    assert_notice(en)
    assert en.body.startswith(tr("en", T.LANGUAGE_SET)), en.body
    assert tr("en", T.MENU_INTRO) in en.body
    for line in menu_lines("en"):
        assert line in en.body, (line, en.body)
    assert menu_lines("en") != menu_lines("fr")
    assert "Pour quelle démarche" not in en.body and "démarche" not in en.body
    assert_no_rtl(en)

    # "langue" then "1": back to French; "language" then "2": English again
    ask = await say(p, dm, bot, "langue")
    assert tr("en", T.LANGUAGE_QUESTION) in ask.body, ask.body
    assert "1. Français" in ask.body and "2. English" in ask.body and "3. العربية" in ask.body
    fr = await say(p, dm, bot, "1")
    assert fr.body.startswith(tr("fr", T.LANGUAGE_SET)), fr.body
    assert all(line in fr.body for line in menu_lines("fr")), fr.body
    ask = await say(p, dm, bot, "langue")
    assert tr("fr", T.LANGUAGE_QUESTION) in ask.body
    en2 = await say(p, dm, bot, "2")
    assert en2.body.startswith(tr("en", T.LANGUAGE_SET)), en2.body
    assert all(line in en2.body for line in menu_lines("en")), en2.body
    caf = await say(p, dm, bot, "1")
    assert "Caf" in caf.body and "Quel est votre problème" not in caf.body, caf.body

    # Arabic: right to left, Arabic sentences, partial-translation warning
    ar = await say(p, dm, bot, "العربية")
    assert_rtl(ar)
    assert ar.body.startswith(tr("ar", T.LANGUAGE_SET)), ar.body
    assert tr("ar", T.LANGUAGE_PARTIAL) in ar.body
    assert tr("ar", T.MENU_INTRO) in ar.body
    assert 'dir="rtl"' in html_of(ar) and tr("ar", T.LANGUAGE_SET) in html_of(ar)
    later = await say(p, dm, bot, "menu")
    assert_rtl(later)
    assert tr("ar", T.MENU_INTRO) in later.body

    # and back to French: left to right again
    back = await say(p, dm, bot, "français")
    assert back.body.startswith(tr("fr", T.LANGUAGE_SET)), back.body
    assert_no_rtl(back)


# --------------------------------------------------------------------------- first message


async def test_first_message_language(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot = bot_account.user_id
    await started(run_app, synapse, bot_account, tmp_path)

    async def first_reply(text: str) -> Any:
        p = await make_person("person")
        dm = await open_dm(p, bot)
        return await say(p, dm, bot, text)

    en, ar, ok, caf = await asyncio.gather(
        first_reply("hello I lost my password for ameli, can you help me?"),
        first_reply("مرحبا، نسيت كلمة السر، هل يمكنك مساعدتي؟"),
        first_reply("ok"),
        first_reply("caf"),
    )

    assert tr("en", T.LANGUAGE_DETECTED) in en.body, en.body
    assert tr("en", "Bonjour, je suis Relais. Je suis un robot, pas une personne.") in en.body
    assert "Bonjour, je suis Relais" not in en.body and "Je suis un robot" not in en.body
    assert_no_rtl(en)

    assert tr("ar", T.LANGUAGE_DETECTED) in ar.body, ar.body
    assert "Bonjour, je suis Relais" not in ar.body
    assert_rtl(ar)

    for short in (ok, caf):
        assert "Bonjour, je suis Relais. Je suis un robot, pas une personne." in short.body
        assert tr("en", T.LANGUAGE_DETECTED) not in short.body
        assert tr("ar", T.LANGUAGE_DETECTED) not in short.body
        assert_no_rtl(short)
    assert "Pour quelle démarche" in ok.body, ok.body
    assert "Caf" in caf.body, caf.body


# --------------------------------------------------------------------------- handover


async def test_switch_language_during_handover(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    """The person's bot texts follow their new language; the mediators' stay in French."""
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root = await wait_root(a, room, bot)
    root_id = root.event_id
    assert "Langue : fr" in root.source["content"]["body"]
    await a.send_text(room, "!nom Léa")
    await wait_main(a, room, bot, "« Léa »")

    # English while waiting: told in English, still in the handover (relayed, no menu)
    switched = await say(p, dm, bot, "english")
    assert switched.body.startswith(tr("en", T.LANGUAGE_SET)), switched.body
    assert tr("en", T.MENU_INTRO) not in switched.body, switched.body
    await wait_thread(a, room, bot, root_id, "La personne lit maintenant en : en.")
    await p.send_text(dm, "my CAF account is blocked")
    await wait_thread(a, room, bot, root_id, "my CAF account is blocked")

    # claimed: the person reads the claim in English, the mediators in French
    await in_thread_send(a, room, root_id, "!prendre")
    await wait_thread(a, room, bot, root_id, "Vous avez pris la demande n°1")
    claimed = await wait_body(p, dm, bot, tr("en", H.CLAIMED_PERSON, name="Léa"))
    assert_notice(claimed)
    assert claimed.body == "Léa, from the team, has taken your request. Léa will answer you here."
    assert count_body(p, dm, bot, "a pris votre demande") == 0

    def root_edits() -> list[str]:
        return [str(e.source["content"]["m.new_content"]["body"])
                for e in room_messages(a, room, bot)
                if relation(e).get("rel_type") == "m.replace"
                and relation(e).get("event_id") == root_id]

    await wait_until(lambda: any(b.startswith("Prise par Léa.") for b in root_edits()), 30,
                     "the root says who took it, in French")

    before = len([e for e in room_messages(a, room, bot) if not relation(e)])
    await a.send_text(room, "!file")
    listing = await wait_main(a, room, bot, "n°1", after=before)
    assert "prise par Léa" in listing.source["content"]["body"], listing.source["content"]

    # relay both ways after the switch
    await in_thread_send(a, room, root_id, "Hello, I am looking at it.")
    got = await wait_body(p, dm, bot, "I am looking at it")
    assert got.body == "Léa : Hello, I am looking at it."

    # Arabic mid-handover: right to left from now on, relays continue
    ar = await say(p, dm, bot, "العربية")
    assert_rtl(ar)
    assert ar.body.startswith(tr("ar", T.LANGUAGE_SET)), ar.body
    await wait_thread(a, room, bot, root_id, "La personne lit maintenant en : ar.")
    await p.send_text(dm, "شكرا جزيلا")
    await wait_thread(a, room, bot, root_id, "شكرا جزيلا")
    await in_thread_send(a, room, root_id, "مرحبا")
    relayed = await wait_body(p, dm, bot, "Léa : مرحبا")
    assert_rtl(relayed)

    # closing: the person reads the end and the rating in Arabic; the thread in French
    await in_thread_send(a, room, root_id, "!fin")
    await wait_thread(a, room, bot, root_id, "La demande n°1 est fermée.")
    closing = await wait_body(p, dm, bot, tr("ar", H.CLOSED_PERSON))
    assert_rtl(closing)
    assert tr("ar", T.RATE_QUESTION) in closing.body
    assert "terminée" not in closing.body and "is over" not in closing.body
    await wait_until(lambda: any(b.startswith("Fermée.") for b in root_edits()), 30,
                     "the root marked closed, in French")
    thanks = await say(p, dm, bot, "5")
    assert_rtl(thanks)
    assert tr("ar", T.RATE_THANKS) in thanks.body

    bodies = thread_bodies(a, room, bot, root_id)
    for french in ("Vous avez pris la demande n°1", "La demande n°1 est fermée."):
        assert any(french in b for b in bodies), bodies
    for foreign in ("has taken", "You have taken", "تكفّل", "closed."):
        assert not any(foreign in b for b in bodies), (foreign, bodies)
    assert bodies.count("my CAF account is blocked") == 1
    assert bodies.count("شكرا جزيلا") == 1


async def test_language_list_then_number_during_handover(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    """"langue" then "2" while waiting for a mediator switches language; "2" is not relayed."""
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started(run_app, synapse, bot_account, tmp_path)
    p = await make_person("person")
    dm = await open_dm(p, bot)
    await ask_for_someone(p, dm, bot)
    root_id = (await wait_root(a, room, bot)).event_id
    ask = await say(p, dm, bot, "langue")
    assert tr("fr", T.LANGUAGE_QUESTION) in ask.body and "2. English" in ask.body
    en = await say(p, dm, bot, "2")
    assert en.body.startswith(tr("en", T.LANGUAGE_SET)), en.body
    await p.send_text(dm, "after the switch")
    await wait_thread(a, room, bot, root_id, "after the switch")
    assert "2" not in thread_bodies(a, room, bot, root_id)
    await in_thread_send(a, room, root_id, "!prendre")
    await wait_body(p, dm, bot, "A person from the team has taken your request. They will answer you here.")


# --------------------------------------------------------------------------- distress


def urgent_roots(person: Any, room: str, bot: str) -> list[str]:
    return [str(e.source["content"]["body"]) for e in room_messages(person, room, bot)
            if not relation(e) and "URGENTE" in str(e.source["content"].get("body", ""))]


async def test_distress_in_english_and_arabic_in_normal_conversation(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started(run_app, synapse, bot_account, tmp_path)

    en = await make_person("person")
    dm_en = await open_dm(en, bot)
    hello = await say(en, dm_en, bot, "hello, can you help me with my ameli account?")
    assert tr("en", T.LANGUAGE_DETECTED) in hello.body, hello.body
    care = await say(en, dm_en, bot, "I want to die")
    for msgid in (T.DISTRESS_INTRO, T.DISTRESS_DANGER, T.DISTRESS_SUICIDE, T.DISTRESS_PERSON):
        assert tr("en", msgid) in care.body, (msgid, care.body)
    assert "3114" in care.body and "112" in care.body
    assert "Je suis un robot" not in care.body and "appelez" not in care.body
    await wait_until(lambda: len(urgent_roots(a, room, bot)) >= 1, 30, "an urgent ticket")
    root = urgent_roots(a, room, bot)[0]
    assert "URGENTE (détresse)" in root and "Langue : en" in root, root

    ar = await make_person("person")
    dm_ar = await open_dm(ar, bot)
    care_ar = await say(ar, dm_ar, bot, "زوجي يضربني")  # first message: my husband beats me
    assert_rtl(care_ar)
    for msgid in (T.DISTRESS_INTRO, T.DISTRESS_DANGER, T.DISTRESS_VIOLENCE, T.DISTRESS_PERSON):
        assert tr("ar", msgid) in care_ar.body, (msgid, care_ar.body)
    assert "3919" in care_ar.body and "17" in care_ar.body
    assert "Je suis un robot" not in care_ar.body
    await wait_until(lambda: len(urgent_roots(a, room, bot)) >= 2, 30, "a second urgent ticket")
    root_ar = urgent_roots(a, room, bot)[1]
    assert "Langue : ar" in root_ar and "زوجي يضربني" in root_ar, root_ar
    await wait_body(ar, dm_ar, bot, tr("ar", H.WAIT_PLACE, place="2"))


async def test_distress_in_english_and_arabic_during_handover(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started(run_app, synapse, bot_account, tmp_path)

    async def waiting_person(first: str, someone: str, yes: str, locale: str,
                             place: int) -> tuple[Any, str]:
        p = await make_person("person")
        dm = await open_dm(p, bot)
        await say(p, dm, bot, first)
        await say(p, dm, bot, someone)
        await say(p, dm, bot, yes)
        await wait_body(p, dm, bot, tr(locale, H.WAIT_PLACE, place=str(place)))
        return p, dm

    en, dm_en = await waiting_person("hello, I need help with my tax return please",
                                     "I want to talk to someone", "yes", "en", 1)
    root_en = (await wait_root(a, room, bot, 1)).event_id
    assert "URGENTE" not in (await wait_root(a, room, bot, 1)).source["content"]["body"]
    care = await say(en, dm_en, bot, "im going to kill myself tonight")
    for msgid in (T.DISTRESS_INTRO, T.DISTRESS_DANGER, T.DISTRESS_SUICIDE):
        assert tr("en", msgid) in care.body, (msgid, care.body)
    assert "3114" in care.body and "appelez" not in care.body
    await wait_thread(a, room, bot, root_en, "URGENTE (détresse)")
    await wait_thread(a, room, bot, root_en, "im going to kill myself tonight")

    ar, dm_ar = await waiting_person("مرحبا، أحتاج مساعدة في الضرائب", "أريد التحدث مع شخص",
                                     "نعم", "ar", 2)
    root_ar = (await wait_root(a, room, bot, 2)).event_id
    care_ar = await say(ar, dm_ar, bot, "أريد أن أنتحر")
    assert_rtl(care_ar)
    for msgid in (T.DISTRESS_INTRO, T.DISTRESS_DANGER, T.DISTRESS_SUICIDE):
        assert tr("ar", msgid) in care_ar.body, (msgid, care_ar.body)
    assert "3114" in care_ar.body and "Je suis un robot" not in care_ar.body
    await wait_thread(a, room, bot, root_ar, "URGENTE (détresse)")
    await wait_thread(a, room, bot, root_ar, "أريد أن أنتحر")

    # both now listed as urgent, in French, for the mediators
    before = len([e for e in room_messages(a, room, bot) if not relation(e)])
    await a.send_text(room, "!file")
    listing = await wait_main(a, room, bot, "n°", after=before)
    lines = listing.source["content"]["body"].splitlines()
    assert len(lines) == 2 and all("URGENTE (détresse)" in line for line in lines), lines
    assert not [e for e in bot_messages(en, dm_en, bot) if "Traceback" in str(e.body)]


async def test_language_named_or_refused(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    """A first message "english" welcomes in English; "je parle pas français" gets the list;
    a language named together with distress still gets the emergency numbers first."""
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    await started(run_app, synapse, bot_account, tmp_path)

    async def person() -> tuple[Any, str]:
        p = await make_person("person")
        return p, await open_dm(p, bot)

    (named, dm1), (refuses, dm2), (sad, dm3) = await asyncio.gather(person(), person(), person())

    first = await say(named, dm1, bot, "english")
    assert tr("en", "Bonjour, je suis Relais. Je suis un robot, pas une personne.") in first.body
    assert all(line in first.body for line in menu_lines("en")), first.body
    assert tr("fr", T.NOT_UNDERSTOOD) not in first.body and "Bonjour" not in first.body

    listed = await say(refuses, dm2, bot, "je parle pas français")
    assert "Bonjour, je suis Relais" in listed.body  # the welcome, once
    assert tr("fr", T.LANGUAGE_QUESTION) in listed.body and "3. العربية" in listed.body
    assert tr("fr", T.NOT_UNDERSTOOD) not in listed.body
    ar = await say(refuses, dm2, bot, "3")
    assert_rtl(ar)
    assert ar.body.startswith(tr("ar", T.LANGUAGE_SET)), ar.body

    await say(sad, dm3, bot, "bonjour")
    care = await say(sad, dm3, bot, "english i want to die")
    assert tr("en", T.DISTRESS_INTRO) in care.body and "3114" in care.body, care.body
    assert tr("en", T.LANGUAGE_SET) not in care.body
    await wait_until(lambda: len(urgent_roots(a, room, bot)) >= 1, 30, "an urgent ticket")


def test_untranslated_paragraph_reads_left_to_right_in_arabic() -> None:
    """A French paragraph left in an Arabic reply keeps its own direction (punctuation)."""
    from bot.dialogue.model import Choice, Options, Say
    from bot.present import render

    message = render(
        [Say(T.MENU_INTRO), Say("Un texte que personne n'a traduit."),
         Options((Choice(1, "La Caf : APL"), Choice(2, "Une option pas traduite")))],
        CATALOGS.translator("ar"), rtl=True,
    )
    assert message is not None
    assert message.html.startswith('<div dir="rtl">')
    assert f"<p>{tr('ar', T.MENU_INTRO)}</p>" in message.html
    assert "<p dir=\"ltr\">Un texte que personne n&#x27;a traduit.</p>" in message.html
    assert '<li dir="ltr">Une option pas traduite</li>' in message.html
    french = render([Say("Un texte que personne n'a traduit.")], CATALOGS.translator("fr"))
    assert french is not None and "dir=" not in french.html
