"""A scripted day on Synapse with the real app: counts stay anonymous, purges leave nothing.

26 persons (each in their own encrypted DM, each with a display name) use several topics, answer
"did this help?", three of them are handed over (claimed, relayed both ways, closed, rated), one
is in distress, one asks to be forgotten.  Then, for every Matrix id, room id, display name and
message text of the day:

- the statistics tables (counters, histograms, satisfaction) and the INFO log hold none;
- after ``purge`` with no grace period (a date far in the future, ``state_days=0``,
  ``ticket_days=0``) the raw bytes of the bot's SQLite file (after a checkpoint, with its WAL
  and SHM if any) hold none either.  What the bot keeps after that about the mediators is their
  chosen first name (``mediator_names``: staff data, kept while they are mediators);
- the transport's own store (``matrix.store_path``: the nio E2EE keys and the bot's
  credentials) necessarily names rooms and users (that is what Megolm sessions and device keys
  are attached to); it is checked to hold no message text and no display name only.

Then the report's figures equal the day's, small counts are masked in every export, and
``!stats`` in the mediators' room answers a short French summary.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import logging
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import stats
from bot.dialogue.loader import load
from bot.store import counters
from bot.store.db import open_db
from bot.store.privacy import purge
from tests.support.app import config_dict, open_dm, say
from tests.support.matrix import Person, wait_until
from tests.support.threads import (
    in_thread_send,
    react,
    room_messages,
    wait_body,
    wait_main,
    wait_root,
    wait_thread,
)

pytestmark = pytest.mark.matrix

HELPED = "Tant mieux"  # start of the reply to "oui" after "Est-ce que cela vous a aidé ?"

# (script name, topic, messages, how many persons follow it)
SCRIPTS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("caf_yes", "caf", ("bonjour", "1", "1", "1", "oui"), 5),
    ("caf_no", "caf", ("bonjour", "1", "1", "1", "non", "non"), 3),
    ("ameli_yes", "ameli", ("bonjour", "2", "2", "oui"), 6),
    ("ft_yes", "france_travail", ("bonjour", "3", "1", "1", "oui"), 3),
    ("ft_no", "france_travail", ("bonjour", "3", "1", "1", "non", "non"), 2),
    ("impots_yes", "impots", ("bonjour", "4", "1", "2", "oui"), 2),
)
HANDOVERS = 3  # caf, asked for someone, claimed, relayed both ways, closed, rated
RATINGS = ("4", "5", "5")
# the person who is forgotten: caf, helped, then "oublie-moi" + "oui"
# the person in distress: ameli, then "je veux mourir"

EXPECTED_ENTERED = {"caf": 5 + 3 + HANDOVERS + 1, "ameli": 6 + 1, "france_travail": 5,
                    "impots": 2}
EXPECTED_HELPED = {"caf": 5 + 1, "ameli": 6, "france_travail": 3, "impots": 2}
EXPECTED_NOT_HELPED = {"caf": 3, "france_travail": 2}
EXPECTED_HANDED_OVER = {"caf": HANDOVERS, "ameli": 1}  # the distress case is handed over too


async def make_people(make_person: Any, n: int) -> list[Person]:
    people: list[Person] = []
    for start in range(0, n, 6):
        people += await asyncio.gather(*(make_person("p") for _ in range(start, min(n, start + 6))))
    return people


async def run_script(person: Person, dm: str, bot: str, script: tuple[str, ...]) -> list[str]:
    replies = []
    for text in script:
        reply = await say(person, dm, bot, text, timeout=60)
        replies.append(str(reply.body))
    return replies


def table_text(rows: list[Any]) -> str:
    return "\n".join(" ".join(str(v) for v in tuple(r)) for r in rows)


def hits(haystack: str | bytes, secrets: dict[str, str]) -> list[str]:
    """The secrets (described by their key) found in `haystack` (text or raw bytes)."""
    found = []
    for what, secret in secrets.items():
        if isinstance(haystack, bytes):
            if secret.encode("utf-8") in haystack:
                found.append(what)
        elif secret in haystack:
            found.append(what)
    return found


async def test_privacy_day(
    synapse: Any,
    bot_account: Any,
    make_person: Any,
    run_app: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # everything at INFO and above, from every logger
    started = time.monotonic()
    bot, room, a = bot_account.user_id, bot_account.mediators_room, bot_account.mediator
    data = config_dict(tmp_path, synapse, bot, room)
    app = await run_app(data, tmp_path)
    await a.wait_membership(room, bot, "join")
    # what is sent during the very first sync is history, skipped on purpose: wait past it
    await asyncio.wait_for(app.transport.ready.wait(), timeout=60)
    mediator_name = "Léontine"
    await a.send_text(room, f"!nom {mediator_name}")
    await wait_main(a, room, bot, f"« {mediator_name} »")

    # ------------------------------------------------------------------ the people
    plain = [(name, topic, script) for name, topic, script, n in SCRIPTS for _ in range(n)]
    n_people = len(plain) + HANDOVERS + 2  # + the distress case + the forgotten person
    people = await make_people(make_person, n_people)
    names = {p.user_id: f"Zéphyrine Kowalczyk{i:02d}" for i, p in enumerate(people)}
    await asyncio.gather(*(p.client.set_displayname(names[p.user_id]) for p in people))
    dms = list(await asyncio.gather(*(open_dm(p, bot) for p in people)))
    assert len(set(dms)) == n_people

    secrets: dict[str, str] = {"mediators' room": room, "mediator": a.user_id}
    for i, (p, dm) in enumerate(zip(people, dms, strict=True)):
        secrets[f"person {i} id"] = p.user_id
        secrets[f"person {i} localpart"] = p.user_id.split(":")[0]
        secrets[f"person {i} room"] = dm
        secrets[f"person {i} name"] = names[p.user_id]
        secrets[f"person {i} device"] = str(p.client.device_id)

    # ------------------------------------------------------------------ bot-only conversations
    results = await asyncio.gather(*(
        run_script(p, dm, bot, script)
        for p, dm, (_, _, script) in zip(people, dms, plain, strict=False)
    ))
    for (name, _, script), replies in zip(plain, results, strict=True):
        if script[-1] == "oui":
            assert replies[-1].startswith(HELPED), (name, replies[-1])
        else:  # "non" to "did it help?" offers a person, "non" again: back to the menu
            assert "Voulez-vous parler à une personne" in replies[-2], (name, replies[-2])
            assert "Pour quelle démarche" in replies[-1], (name, replies[-1])

    # ------------------------------------------------------------------ three handovers
    texts: list[str] = []
    offset = len(plain)
    for h in range(HANDOVERS):
        p, dm = people[offset + h], dms[offset + h]
        await say(p, dm, bot, "bonjour")
        await say(p, dm, bot, "1")
        confirm = await say(p, dm, bot, "quelqu'un")
        assert "Voulez-vous parler à une personne" in confirm.body
        await say(p, dm, bot, "oui")
        await wait_body(p, dm, bot, "dans la file d'attente")
        root = (await wait_root(a, room, bot, h + 1)).event_id
        await in_thread_send(a, room, root, "!prendre")
        await wait_body(p, dm, bot, f"{mediator_name}, de l'équipe, a pris votre demande.")
        said = f"mon numéro allocataire est {7731000 + h} et j'habite rue Oberkampf {h}"
        answer = f"Je regarde votre dossier de quotient familial n°{h} tout de suite"
        texts += [said, answer]
        await p.send_text(dm, said)
        await wait_thread(a, room, bot, root, said)
        await in_thread_send(a, room, root, answer)
        await wait_body(p, dm, bot, answer)
        await in_thread_send(a, room, root, "!fin")
        await wait_thread(a, room, bot, root, "est fermée")
        await wait_body(p, dm, bot, "Donnez une note de 1")
        thanks = await say(p, dm, bot, RATINGS[h])
        assert "Merci pour votre note." in thanks.body
    for i, text in enumerate(texts):
        secrets[f"text {i}"] = text

    # ------------------------------------------------------------------ distress
    sad, sad_dm = people[offset + HANDOVERS], dms[offset + HANDOVERS]
    distress_text = "je veux mourir ce soir, plus rien ne va"
    secrets["distress text"] = distress_text
    await say(sad, sad_dm, bot, "bonjour")
    await say(sad, sad_dm, bot, "2")
    care = await say(sad, sad_dm, bot, distress_text)
    assert "3114" in care.body
    droot = await wait_root(a, room, bot, HANDOVERS + 1)
    assert "URGENTE" in droot.source["content"]["body"]
    await react(a, room, droot.event_id, "👍")
    await wait_body(sad, sad_dm, bot, "a pris votre demande")
    await in_thread_send(a, room, droot.event_id, "!fin")
    await wait_thread(a, room, bot, droot.event_id, "est fermée")

    # ------------------------------------------------------------------ forget me
    gone, gone_dm = people[offset + HANDOVERS + 1], dms[offset + HANDOVERS + 1]
    await run_script(gone, gone_dm, bot, ("bonjour", "1", "1", "1", "oui"))
    ask = await say(gone, gone_dm, bot, "oublie-moi")
    assert "?" in ask.body
    done = await say(gone, gone_dm, bot, "oui")
    assert "C'est effacé" in done.body, done.body
    await app.router.flush(timeout=10)
    row = await app.db.fetchone("SELECT COUNT(*) FROM conversations WHERE room_id = ?",
                                (gone_dm,))
    assert row is not None and row[0] == 0, "the forgotten person's conversation is still kept"

    # ------------------------------------------------------------------ !stats (short French)
    before = len([e for e in room_messages(a, room, bot)
                  if not e.source["content"].get("m.relates_to")])
    await a.send_text(room, "!stats")
    summary_event = await wait_main(a, room, bot, "Statistiques", after=before)
    summary = str(summary_event.source["content"]["body"])
    assert summary.startswith("Statistiques du "), summary
    assert "conversations commencées" in summary and "transmises à un médiateur" in summary
    assert "alertes de détresse" in summary and "satisfaction" not in summary.split("\n")[0]
    total_entered = sum(EXPECTED_ENTERED.values())
    # impots (2) is masked and counted as 1 in the total: "≥ 25"
    assert f"≥ {total_entered - 1} conversations commencées" in summary, summary
    # caf 3 and ameli 1 are both masked, each counted as its minimum 1: "≥ 2" (the exact 4
    # would let a reader subtract the published topics and recover the masked ones)
    assert "≥ 2 transmises à un médiateur" in summary, summary
    assert "alertes de détresse : ≥ 1" in summary, summary
    assert "(12)" in summary and "(7)" in summary  # the top topics, published exactly
    assert len(summary.splitlines()) <= 8 and len(summary) < 800, summary
    assert not hits(summary, secrets), hits(summary, secrets)
    assert "Traceback" not in summary

    # ------------------------------------------------------------------ no id in stats, logs
    await app.router.flush(timeout=10)
    stat_rows = []
    for table in ("counters", "histograms", "satisfaction"):
        stat_rows += await app.db.fetchall(f"SELECT * FROM {table}")
    stat_text = table_text(stat_rows)
    assert stat_text, "no statistics were recorded"
    assert not hits(stat_text, secrets), hits(stat_text, secrets)
    assert not re.search(r"[@!$#][A-Za-z0-9._=-]+:", stat_text), stat_text  # no id shape at all
    # columns hold only day, closed-set labels and numbers
    columns = {r[1] for r in await app.db.fetchall(
        "SELECT * FROM pragma_table_info('counters')")}
    assert columns == {"day", "topic", "entry", "outcome", "locale", "distress", "count"}

    log_text = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
        if r.levelno >= logging.INFO
    )
    assert "Relais" in log_text or "joined" in log_text, "nothing was logged at INFO?"
    assert not hits(log_text, secrets), (hits(log_text, secrets), log_text[-3000:])
    assert "Traceback" not in log_text, log_text[-3000:]

    # ------------------------------------------------------------------ the report equals the day
    today = counters.local_day(None, "Europe/Paris")
    first, last = today - timedelta(days=1), today + timedelta(days=1)
    titles = {t.id: t.title for t in load(REPO_DIALOGUES).tree.topics}
    exact = await stats.report(app.db, first, last, "topic", k=1, titles=titles)
    table = {line.key: dict(zip(exact.columns, line.cells, strict=True)) for line in exact.lines}

    def column(outcome: str) -> dict[str, int]:
        return {key: cells[outcome].shown for key, cells in table.items()
                if cells[outcome].shown}

    assert column("entered") == EXPECTED_ENTERED
    assert column("helped") == EXPECTED_HELPED
    assert column("not_helped") == EXPECTED_NOT_HELPED
    assert column("handed_over") == EXPECTED_HANDED_OVER
    assert column("claimed") == EXPECTED_HANDED_OVER
    assert column("closed") == EXPECTED_HANDED_OVER
    assert column("distress") == {"ameli": 1}
    assert column("abandoned") == {}
    sat = {score: f.shown for score, f in exact.satisfaction if f.shown}
    assert sat == {4: 1, 5: 2}
    assert exact.satisfaction_mean == round((4 + 5 + 5) / 3, 1)
    waits = {h.metric: sum(f.shown for _, f in h.buckets) for h in exact.histograms}
    assert waits == {"wait_seconds": HANDOVERS + 1, "handover_seconds": HANDOVERS + 1}

    # k = 5: counts of 1 to 4 are "<5" in every export
    masked = await stats.report(app.db, first, last, "topic", k=5, titles=titles)
    rows = list(csv.DictReader(io.StringIO(stats.to_csv(masked))))
    by_key = {r["topic"]: r for r in rows}
    assert by_key["caf"]["entered"] == str(EXPECTED_ENTERED["caf"])
    assert by_key["impots"]["entered"] == "<5"  # 2
    assert by_key["caf"]["handed_over"] == "<5"  # 3
    assert by_key["ameli"]["distress"] == "<5"  # 1
    assert by_key["caf"]["not_helped"] == "<5"  # 3
    assert by_key["ameli"]["not_helped"] == "0"  # zero says nothing about anyone
    all_cells = [v for r in rows for k, v in r.items() if k not in ("topic", "libellé")]
    assert not [v for v in all_cells if v in ("1", "2", "3", "4")], rows
    sat_rows = list(csv.reader(io.StringIO(stats.to_csv(masked, "satisfaction"))))
    assert ["4", "<5"] in sat_rows and ["5", "<5"] in sat_rows, sat_rows
    waits_csv = stats.to_csv(masked, "waits")
    assert not re.search(r",[1-4]$", waits_csv, re.M), waits_csv

    data_json = json.loads(stats.to_json(masked))
    lines = {line["key"]: line["values"] for line in data_json["lines"]}
    assert lines["impots"]["entered"] == "<5" and lines["caf"]["entered"] == 12
    assert lines["caf"]["handed_over"] == "<5" and lines["ameli"]["entered"] == 7
    assert data_json["satisfaction"]["scores"]["5"] == "<5"
    assert not re.search(r'": [1-4][,\n]', stats.to_json(masked))

    page = stats.to_html(masked)
    values = {html.unescape(label): html.unescape(value) for label, value in re.findall(
        r'<rect[^>]*data-label="([^"]*)" data-value="([^"]*)"', page)}
    assert values[titles["caf"]] == "12" and values[titles["ameli"]] == "7"
    assert values[titles["impots"]] == "<5", values
    assert not re.search(r'data-value="[1-4]"', page)
    for export in (stats.to_csv(masked), stats.to_json(masked), page, stats.to_table(masked)):
        assert not hits(export, secrets)

    # ------------------------------------------------------------------ purge: nothing left
    await app.stop()
    await wait_until(lambda: bool(app.tasks) and all(t.done() for t in app.tasks), 30,
                     "the app to stop")
    await asyncio.sleep(0.5)  # App._shutdown closes the database right after
    far = time.time() + 400 * 86400
    db = await open_db(data["storage"]["database"])
    try:
        secure = await db.fetchone("PRAGMA secure_delete")
        assert secure is not None and int(secure[0]) == 1, "deleted rows would stay in the file"
        purged = await purge(db, far, state_days=0, ticket_days=0)
        assert purged.conversations >= n_people - 1 and purged.ticket_messages > 0
        leftovers = {}
        for (table_name,) in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'"):
            if table_name == "mediator_names":
                continue  # the mediators' own chosen first names (staff data)
            rows_left = await db.fetchall(f'SELECT * FROM "{table_name}"')
            found = hits(table_text(rows_left), secrets)
            if found:
                leftovers[table_name] = found
        assert not leftovers, f"after the purge, still in the database: {leftovers}"
        kept = await db.fetchall("SELECT user_id, first_name FROM mediator_names")
        assert [tuple(r) for r in kept] == [(a.user_id, mediator_name)]
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()

    path = Path(data["storage"]["database"])
    files = [f for f in path.parent.iterdir() if f.name.startswith(path.name)]
    raw = b"".join(f.read_bytes() for f in files)
    assert raw, files
    person_secrets = {k: v for k, v in secrets.items() if k != "mediator"}
    assert not hits(raw, person_secrets), (hits(raw, person_secrets), [f.name for f in files])
    # the mediator's id is only in mediator_names, once (and its index)
    assert raw.count(a.user_id.encode()) <= 2

    # the transport's store: keys and credentials name rooms and users, never what was said
    store = Path(data["matrix"]["store_path"])
    store_files = [f for f in store.rglob("*") if f.is_file()]
    assert store_files
    said_secrets = {k: v for k, v in secrets.items()
                    if k.startswith(("text", "distress")) or k.endswith("name")}
    for f in store_files:
        assert not hits(f.read_bytes(), said_secrets), (f.name, hits(f.read_bytes(), said_secrets))

    assert time.monotonic() - started < 150, "the privacy day took too long"


REPO_DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"


def test_expected_figures_are_consistent() -> None:
    """The script's expectations add up (a typo here would make the day test meaningless)."""
    assert sum(n for *_, n in SCRIPTS) + HANDOVERS + 2 == 26
    assert sum(EXPECTED_ENTERED.values()) == 26
