"""Reloading without a restart, without a homeserver: the pure parts and the router's swap.

- a conversation on a node the new tree lost: one sentence, then the menu (distress first);
- a tree with errors is refused whole, every problem with its file:line:col, the old engine
  stays; a good one is swapped in between two messages, and no reply is lost or doubled;
- the slow part (validation, training) runs in a thread: the event loop keeps turning.
The same on the real Synapse, with SIGHUP on a bot process: tests/matrix/test_reload_synapse.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
from pathlib import Path

import pytest

from bot import reload
from bot.config import MediatorsConfig
from bot.desk import Desk, commands
from bot.desk import texts as D
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.model import Options, Outcome, Phase, Say, State
from bot.dialogue.vanished import NODE_GONE, ReloadSafeEngine, vanished
from bot.i18n import Catalogs
from bot.matrix.events import Incoming
from bot.metrics import Metrics
from bot.router import Router
from bot.sender import RetryPolicy, Sender
from bot.store import Database
from tests.support.outlet import FakeOutlet

REPO = Path(__file__).resolve().parent.parent
MEDIATORS = "!mediators:test"
DM = "!dm:test"
QUICK = RetryPolicy(max_tries=3, backoff=lambda tries: 0.0, idle_poll=0.05)

TREE = """\
version: 1
topic:
  id: essai
  title: Essai
  order: 1
  keywords: [essai]
  entry: accueil
nodes:
  - id: accueil
    text: {welcome}
    options:
      - label: Première étape
        goto: {step}
      - label: Autre chose
        goto: autre
  - id: {step}
    text: Voici la première étape.
    options:
      - label: La suite
        goto: suite
      - label: Autre chose
        goto: autre
  - id: suite
    text: La suite.
    end: check
  - id: autre
    text: Autre chose.
    end: check
"""


def write_tree(folder: Path, *, welcome: str = "Bonjour, voici l'essai.",
               step: str = "etape", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "essai.yaml").write_text(TREE.format(welcome=welcome, step=step) + extra,
                                       encoding="utf-8")
    return folder


def engine_of(folder: Path) -> ReloadSafeEngine:
    loaded = load(folder)
    assert loaded.ok, [str(p) for p in loaded.problems]
    return ReloadSafeEngine(loaded.tree)


def at_step(engine: Engine) -> State:
    state = engine.start(State()).state
    state = engine.step(state, "essai").state
    state = engine.step(state, "1").state
    assert (state.phase, state.node) == (Phase.NODE, "essai:etape")
    return state


# --------------------------------------------------------------------------- vanished nodes


def test_a_vanished_node_goes_back_to_the_menu_with_one_sentence(tmp_path: Path) -> None:
    state = at_step(engine_of(write_tree(tmp_path / "old")))
    new = engine_of(write_tree(tmp_path / "new", step="premiere"))
    assert vanished(new.tree, state)
    # "1" would pick the menu's first topic if read against the new tree: it is not
    result = new.step(state, "1")
    assert result.effects[0] == Say(NODE_GONE)
    assert [type(e) for e in result.effects[1:]] == [type(e) for e in new.start(
        result.state).effects]
    assert isinstance(result.effects[2], Options)
    assert (result.state.phase, result.state.node, result.state.history) == (
        Phase.MENU, None, ())
    assert not any(isinstance(e, Outcome) for e in result.effects)
    # and the conversation goes on normally from there
    again = new.step(result.state, "1")
    assert again.state.node == "essai:accueil"


def test_a_kept_node_is_answered_as_before(tmp_path: Path) -> None:
    old = engine_of(write_tree(tmp_path / "old"))
    state = at_step(old)
    new = engine_of(write_tree(tmp_path / "new", welcome="Bonjour, voici le nouvel essai."))
    assert not vanished(new.tree, state)
    assert new.step(state, "1") == Engine.step(new, state, "1")
    assert new.step(state, "1").state.node == "essai:suite"


def test_distress_on_a_vanished_node_comes_first_without_the_sentence(tmp_path: Path) -> None:
    state = at_step(engine_of(write_tree(tmp_path / "old")))
    new = engine_of(write_tree(tmp_path / "new", step="premiere"))
    result = new.step(state, "je veux mourir")
    assert any(isinstance(e, Outcome) and e.kind == "distress" for e in result.effects)
    assert Say(NODE_GONE) not in result.effects


def test_a_command_on_a_vanished_node_is_obeyed_after_the_sentence(tmp_path: Path) -> None:
    state = at_step(engine_of(write_tree(tmp_path / "old")))
    new = engine_of(write_tree(tmp_path / "new", step="premiere"))
    plain = Engine.step(new, reload_menu(state), "stop")
    result = new.step(state, "stop")
    assert result.effects == (Say(NODE_GONE), *plain.effects)
    assert result.state.phase is plain.state.phase


def reload_menu(state: State) -> State:
    return state.but(phase=Phase.MENU, node=None, history=(), choices=(), misses=0)


def test_choices_that_vanished_count_as_a_vanished_node(tmp_path: Path) -> None:
    tree = engine_of(write_tree(tmp_path / "t")).tree
    choose = State(phase=Phase.CHOOSE, choices=("essai:etape", "essai:autre"), started=True)
    assert not vanished(tree, choose)
    assert vanished(tree, choose.but(choices=("essai:etape", "disparu:")))
    assert not vanished(tree, State(phase=Phase.MENU, started=True))
    assert not vanished(tree, State(phase=Phase.HANDOVER, node="disparu:x", started=True))


# --------------------------------------------------------------------------- refusal and swap


def test_a_broken_tree_is_refused_with_every_place(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "t", extra="  - id: cassee\n    options:\n      - goto: nulle\n")
    (folder / "autre.yaml").write_text("topic: [pas fermé\n", encoding="utf-8")
    result = reload.prepare(folder, REPO / "locales")
    assert isinstance(result, reload.Refused)
    assert len(result.problems) >= 2
    for problem in result.problems:
        assert re.match(r"\S+\.yaml:\d+:\d+: ", problem), problem
    assert any("autre.yaml:2:1: " in p for p in result.problems)
    assert any("essai.yaml:29:9: " in p for p in result.problems)


def test_a_good_tree_is_ready_with_its_counts(tmp_path: Path) -> None:
    result = reload.prepare(write_tree(tmp_path / "t"), REPO / "locales")
    assert isinstance(result, reload.Fresh)
    assert (result.topics, result.nodes) == (1, 4)
    assert isinstance(result.engine, ReloadSafeEngine)
    assert "en" in result.catalogs.locales and "ar" in result.catalogs.locales


def test_catalogs_that_lost_a_language_are_refused(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales" / "en", locales / "en")
    result = reload.prepare(write_tree(tmp_path / "t"), locales)
    assert isinstance(result, reload.Fresh)
    kept = reload.keep_languages(result, ("ar", "en"), locales)
    assert isinstance(kept, reload.Refused)
    assert kept.problems == (f"{locales}: no compiled catalog for 'ar' any more (locales.path)",)
    assert reload.keep_languages(result, ("en",), locales) is result


def test_the_report_is_one_message_with_every_problem(tmp_path: Path) -> None:
    catalogs = Catalogs.load(REPO / "locales")

    def m(msgid: str, **params: str) -> str:
        return catalogs.text("fr", msgid, tuple(params.items()))

    problems = tuple(f"essai.yaml:{n}:3: something wrong" for n in range(1, 46))
    text = reload.report(m, reload.Refused(problems))
    assert text.startswith("Dialogues non rechargés : 45 problème(s).")
    assert "- essai.yaml:40:3: something wrong" in text
    assert "essai.yaml:41:3" not in text
    assert text.endswith("… et 5 autre(s) dans le journal du robot.")
    assert reload.report(m, reload.Refused(problems[:2])).count("\n- ") == 2
    fresh = reload.prepare(write_tree(tmp_path / "t"), REPO / "locales")
    assert isinstance(fresh, reload.Fresh)
    assert reload.report(m, fresh) == (
        "Dialogues et traductions rechargés : 1 sujets, 4 étapes.")
    english = catalogs.text("en", D.RELOADED, (("topics", "1"), ("nodes", "4")))
    assert english != m(D.RELOADED, topics="1", nodes="4") and "1" in english


async def test_the_reloader_swaps_only_a_good_tree(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "t")
    installed: list[reload.Fresh] = []
    reloader = reload.Reloader(folder, REPO / "locales", installed.append, lambda: ("ar", "en"))
    assert isinstance(await reloader.reload(), reload.Fresh)
    assert len(installed) == 1
    (folder / "essai.yaml").write_text("topic: [pas fermé\n", encoding="utf-8")
    refused = await reloader.reload()
    assert isinstance(refused, reload.Refused)
    assert len(installed) == 1  # the last good one stays


async def test_the_event_loop_keeps_turning_while_a_reload_trains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped trees, an empty cache (so the classifier is trained): the loop keeps
    turning while the reload runs (a message is answered meanwhile)."""
    (tmp_path / "cache" / "relais").mkdir(parents=True)
    monkeypatch.setenv("RELAIS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "dialogues"
    folder.mkdir()
    for path in (REPO / "dialogues").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    # one new example: a model no cache holds, whatever ran before
    write_tree(folder, extra="")
    reloader = reload.Reloader(folder, REPO / "locales", lambda fresh: None, lambda: ())
    task = asyncio.create_task(reloader.reload())
    longest, ticks, last = 0.0, 0, time.monotonic()
    started = last
    while not task.done():
        await asyncio.sleep(0.01)
        now = time.monotonic()
        longest, last, ticks = max(longest, now - last), now, ticks + 1
    result = task.result()
    assert isinstance(result, reload.Fresh), result
    assert list((tmp_path / "cache" / "relais").glob("understanding-*.npz")), "the classifier was trained"
    took = last - started
    print(f"reload with training: {took:.1f} s, {ticks} loop turns, "
          f"longest pause {longest * 1000:.0f} ms")
    # in the loop itself, the whole reload would have been one pause; in the thread, the
    # longest is one C call that keeps the GIL (liblinear's fit: ~0.3 s idle, ~1.8 s measured
    # while the whole suite ran on two cores)
    assert ticks > 20 and longest < took / 3


def test_recharger_is_in_the_table_and_in_the_help() -> None:
    assert commands.BY_ALIAS["recharger"] is commands.BY_ALIAS["reload"]
    command = commands.BY_NAME["reload"]
    assert command.room is not None and not command.public
    assert "!recharger (!reload)" in D.HELP


# --------------------------------------------------------------------------- through the router


async def test_the_router_swaps_between_two_messages(tmp_path: Path, db: Database) -> None:
    catalogs = Catalogs.load(REPO / "locales")
    outlet = FakeOutlet()
    desk = Desk(db, MediatorsConfig(room=MEDIATORS), MEDIATORS, catalogs, outlet.members)
    router = Router(db, engine_of(write_tree(tmp_path / "old")), catalogs, desk, outlet,
                    metrics=Metrics(), sender=Sender(db, outlet.send,
                                                     QUICK))
    sending = asyncio.create_task(router.send_forever())
    said = 0

    async def say(text: str) -> None:
        nonlocal said
        said += 1
        await router.on_event(Incoming(DM, "@person:test", f"$m{said}", said, "text", body=text))

    try:
        new = write_tree(tmp_path / "new", welcome="Bonjour, voici le nouvel essai.",
                         step="premiere")
        reloader = reload.Reloader(new, REPO / "locales",
                                   lambda fresh: reload.install(router, desk, fresh),
                                   lambda: router.catalogs.locales)
        for text in ("essai", "1"):
            await say(text)
        # a reload while messages keep coming: each gets exactly one reply
        reloading = asyncio.create_task(reloader.reload())
        await say("menu")
        assert isinstance(await reloading, reload.Fresh)
        assert router.engine.tree.node("essai:premiere") is not None
        assert desk.catalogs is router.catalogs
        await say("essai")
        await say("1")
        await router.flush(timeout=5)
        bodies = outlet.bodies(DM)
        assert len(bodies) == said
        assert "Bonjour, voici l'essai." in bodies[0]
        assert "Bonjour, voici le nouvel essai." in bodies[3]
        assert "Voici la première étape." in bodies[4]
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending


async def test_a_person_on_a_vanished_node_reads_the_sentence_then_the_menu(
    tmp_path: Path, db: Database
) -> None:
    catalogs = Catalogs.load(REPO / "locales")
    outlet = FakeOutlet()
    desk = Desk(db, MediatorsConfig(room=MEDIATORS), MEDIATORS, catalogs, outlet.members)
    router = Router(db, engine_of(write_tree(tmp_path / "old")), catalogs, desk, outlet,
                    metrics=Metrics(), sender=Sender(db, outlet.send,
                                                     QUICK))
    sending = asyncio.create_task(router.send_forever())
    try:
        for n, text in enumerate(("essai", "1"), start=1):
            await router.on_event(Incoming(DM, "@p:test", f"$m{n}", n, "text", body=text))
        fresh = reload.prepare(write_tree(tmp_path / "new", step="premiere"), REPO / "locales")
        assert isinstance(fresh, reload.Fresh)
        reload.install(router, desk, fresh)
        await router.on_event(Incoming(DM, "@p:test", "$m3", 3, "text", body="1"))
        await router.flush(timeout=5)
        last = outlet.bodies(DM)[-1]
        assert last.startswith(NODE_GONE)
        assert "Pour quelle démarche voulez-vous de l'aide ?" in last
        assert "Traceback" not in last
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending


async def test_recharger_through_the_router(tmp_path: Path, db: Database) -> None:
    """!recharger: refused below the reload level, unavailable without a reloader, else one
    reply with the counts; mediators.power_level (the desk's own check) comes first."""
    catalogs = Catalogs.load(REPO / "locales")
    outlet = FakeOutlet()
    levels = {"@admin:test": 100, "@mediator:test": 10}

    async def members(room_id: str) -> dict[str, int]:
        return levels

    desk = Desk(db, MediatorsConfig(room=MEDIATORS, power_level=10), MEDIATORS, catalogs,
                members)
    router = Router(db, engine_of(write_tree(tmp_path / "old")), catalogs, desk, outlet,
                    metrics=Metrics(), sender=Sender(db, outlet.send, QUICK))
    sending = asyncio.create_task(router.send_forever())
    n = 0

    async def command(sender: str, text: str) -> str:
        nonlocal n
        n += 1
        await router.on_event(Incoming(MEDIATORS, sender, f"$c{n}", n, "text", body=text))
        await router.flush(timeout=5)
        return outlet.bodies(MEDIATORS)[-1]

    try:
        assert await command("@admin:test", "!recharger") == catalogs.text("fr",
                                                                           D.RELOAD_UNAVAILABLE)
        new = write_tree(tmp_path / "new", step="premiere")
        reload.attach(desk, reload.Reloader(new, REPO / "locales",
                                            lambda fresh: reload.install(router, desk, fresh),
                                            lambda: router.catalogs.locales))
        assert await command("@mediator:test", "!recharger") == (
            "Désolé, recharger les dialogues demande le niveau 50 dans cette salle. "
            "Demandez à un responsable.")
        assert router.engine.tree.node("essai:premiere") is None
        assert await command("@outsider:test", "!reload") == catalogs.text("fr", D.NOT_ALLOWED)
        assert await command("@admin:test", "!reload") == (
            "Dialogues et traductions rechargés : 1 sujets, 4 étapes.")
        assert router.engine.tree.node("essai:premiere") is not None
        assert len(outlet.bodies(MEDIATORS)) == n  # one reply per command
        assert outlet.sent[-1].content["m.relates_to"] == {"m.in_reply_to": {"event_id": f"$c{n}"}}
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
