"""The dialogue engine: pure functions from (state, what the person typed) to (state, effects).

No I/O, no clock, no Matrix: the router persists the state and applies the effects, so every
behaviour here is testable with plain values, and one state change serves every language.

Order of precedence for each message, in every phase:
1. distress (safety first: answers with emergency numbers and a priority handover);
2. during a handover, only "stop" and "langue" are the bot's; the rest goes to the mediator;
3. the words that always work: menu, retour, recommencer, quelqu'un, stop, langue, forget me;
4. what the current phase expects (a number, a label, yes/no…);
5. free text routed across all topics (the person changed subject);
6. a kind "not understood" with the choices again; after two misses, an offer of a person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.dialogue import texts as T
from bot.dialogue.command_steps import TABLE, in_handover
from bot.dialogue.commands import (
    LANGUAGE_CHOICES,
    LOCALES,
    SERVED,
    Command,
    command_of,
    locale_named,
    yes_no,
)
from bot.dialogue.concern import (
    FROM_HANDOVER,
    concern_applies,
    concern_step,
    distress_step,
    read_safety,
)
from bot.dialogue.matching import KeywordIndex, label_similarity, normalise, option_number, words
from bot.dialogue.model import (
    Effect,
    Ending,
    Forget,
    HandOver,
    Node,
    Outcome,
    Phase,
    Say,
    SetLocale,
    ShowContact,
    ShowLink,
    State,
    Step,
    Topic,
    TopicKind,
    Tree,
    Welcome,
)
from bot.dialogue.replies import (
    check_effects,
    choose_effects,
    current_prompt,
    forget_question,
    languages,
    menu_effects,
    node_options,
    offer_effects,
    remember,
    topic_of,
)
from bot.dialogue.routing import Route, Routing
from bot.dialogue.safety import Distress, concern, detect
from bot.dialogue.safety_world import detect_world
from bot.language import written_in
from bot.understanding.ensemble import Understanding
from bot.understanding.signals import scam

# the names other modules and tests import from here
__all__ = ["Command", "Engine", "Route", "command_of", "yes_no"]


class Engine:
    """A tree compiled for fast matching; ``step`` is pure given the tree."""

    def __init__(self, tree: Tree, understanding: Understanding | None = None) -> None:
        self.tree = tree
        self.understanding = understanding
        self.routing = Routing(tree, understanding)
        self.topics_index: KeywordIndex = self.routing.topics_index
        self.options_index: KeywordIndex = self.routing.options_index
        self.menu: tuple[Topic, ...] = self.routing.menu
        self._handlers: dict[Phase, Callable[[State, str], Step]] = {
            Phase.MENU: self._at_menu,
            Phase.NODE: self._at_node,
            Phase.CHECK: self._at_check,
            Phase.CONFIRM_HANDOVER: self._at_confirm_handover,
            Phase.CHOOSE: self._at_choose,
            Phase.CONFIRM_FORGET: self._at_confirm_forget,
            Phase.RATE: self._at_rate,
            Phase.LANGUAGE: self._at_language,
            Phase.CONFIRM_STOP: self._at_menu,
        }

    def route(self, text: str) -> Route:
        """Which topic (and, when the message says enough, which node) a free message means."""
        return self.routing.route(text)

    def parent_of(self, key: str) -> str | None:
        """The node one "retour" leads back to from ``key`` inside its topic."""
        return self.routing.parent_of(key)

    def describe_path(self, path: tuple[str, ...]) -> str:
        """What the person went through, as mediators read it: topic title › option labels."""
        return self.routing.describe_path(path)

    # ------------------------------------------------------------------ the step

    def start(self, state: State | None = None) -> Step:
        state = state or State()
        effects: list[Effect] = []
        if not state.started:
            effects.append(Welcome())
        effects.extend(menu_effects(self.menu))
        return Step(state.but(phase=Phase.MENU, node=None, history=(), misses=0, started=True),
                    tuple(effects))

    def step(self, state: State, text: str) -> Step:
        """One message from the person. Always returns at least one effect."""
        text = text if isinstance(text, str) else str(text)
        world = detect_world(text)
        alert, gentle = read_safety(self.understanding, text, detect(text),
                                    world[0] if world is not None else None)
        if alert is not None:
            language = world[1] if world is not None else written_in(text)
            if language in SERVED:
                language = None  # only a language the bot does not serve is worth saying
            return distress_step(self, state, text, alert, language)
        if state.phase is Phase.HANDOVER:
            return in_handover(self, state, text)
        if concern_applies(state) and concern(text):
            # a weak sign the classifier reads as clearly not distress ("fatiguée de ce temps
            # pourri"): the gentle word, without stopping the person with a yes/no question
            offer = self.understanding is None or not self.understanding.reads_as_calm(text)
            return concern_step(self, state, text, offer=offer)
        if gentle and concern_applies(state):
            return concern_step(self, state, text, offer=False)
        state = remember(state, text)
        prefix: list[Effect] = []
        if not state.started:
            prefix.append(Welcome())
            state = state.but(started=True)
        result = self.dispatch(state, text)
        if prefix:
            result = Step(result.state, (*prefix, *result.effects))
        return result

    def dispatch(self, state: State, text: str) -> Step:
        if not normalise(text):
            return self._empty(state)
        cmd = command_of(text)
        if cmd is Command.HUMAN and self.understanding is not None and scam(text):
            cmd = None  # "un conseiller de ma banque veut mon code" is a scam, not a request
        if cmd is not None and not (
            state.phase in (Phase.CHECK, Phase.CONFIRM_HANDOVER, Phase.CONFIRM_FORGET)
            and cmd in (Command.THANKS,)
        ):
            return TABLE[cmd](self, state)
        return self._handlers[state.phase](state, text)

    # ------------------------------------------------------------------ phases

    def _at_menu(self, state: State, text: str) -> Step:
        n = option_number(text, len(self.menu))
        if n is not None:
            topic = self.menu[n - 1]
            return self._enter(state, f"{topic.id}:{topic.entry}", entered=True)
        return self.free_text(state, text)

    def _at_node(self, state: State, text: str) -> Step:
        node = self.tree.node(state.node or "")
        if node is None or not node.options:
            return self.free_text(state.but(phase=Phase.MENU, node=None), text)
        target, close = self.routing.pick_option(node, text)
        if target is not None:
            return self._enter(state, target)
        if close:
            return self._ask_choose(state, close)
        return self.free_text(state, text, node=node)

    def _at_check(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        node = self.tree.node(state.node or "")
        topic = node.topic if node else None
        if answer is True:
            return Step(
                state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                (Outcome("helped", topic), Say(T.GLAD), *menu_effects(self.menu)),
            )
        if answer is False:
            offer = self.offer_person(state, "not_helped")
            return Step(offer.state, (Outcome("not_helped", topic), *offer.effects))
        return self.free_text(state, text, retry=check_effects())

    def _at_confirm_handover(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        if answer is True:
            return self.hand_over(state, state.reason or "asked", priority=state.priority)
        if answer is False:
            return Step(state.but(phase=Phase.MENU, node=None, misses=0, reason=""),
                        menu_effects(self.menu))
        return self.free_text(state, text, retry=offer_effects())

    def _at_choose(self, state: State, text: str) -> Step:
        choices = state.choices
        n = option_number(text, len(choices))
        if n is None:
            sims = [(label_similarity(text, self.routing.choice_label(c)), c) for c in choices]
            best = max(sims, default=(0.0, ""))
            if best[0] >= 85:
                n = choices.index(best[1]) + 1
        if n is None:
            return self.free_text(state.but(phase=Phase.MENU, choices=()), text)
        chosen = choices[n - 1]
        if chosen.endswith(":"):
            topic = self.tree.topic(chosen[:-1])
            if topic is None:  # the dialogues changed since this question was asked
                return Step(state.but(phase=Phase.MENU, choices=()), menu_effects(self.menu))
            return self._enter(state.but(choices=()), f"{topic.id}:{topic.entry}", entered=True)
        return self._enter(state.but(choices=()), chosen)

    def _at_confirm_forget(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        if answer is True:
            fresh = State(locale=state.locale, started=True)
            return Step(fresh, (Forget(), Say(T.FORGET_DONE), *menu_effects(self.menu)))
        if answer is False and state.reason == FROM_HANDOVER:
            return Step(state.but(phase=Phase.HANDOVER, reason=""), (Say(T.FORGET_CANCELLED),))
        if answer is False:
            return Step(state.but(phase=Phase.MENU, node=None),
                        (Say(T.FORGET_CANCELLED), *menu_effects(self.menu)))
        return Step(state, forget_question())

    def _at_rate(self, state: State, text: str) -> Step:
        norm = normalise(text)
        digits = [int(ch) for ch in norm if ch.isdigit()]
        if len(digits) == 1 and 1 <= digits[0] <= 5:
            return Step(
                state.but(phase=Phase.MENU, node=None),
                (Outcome("rated", score=digits[0]), Say(T.RATE_THANKS), *menu_effects(self.menu)),
            )
        return self._at_menu(state.but(phase=Phase.MENU), text)

    def _at_language(self, state: State, text: str) -> Step:
        n = option_number(text, len(LOCALES))
        code = LOCALES[n - 1][0] if n is not None else locale_named(text)
        if code is None:
            return self._at_menu(state.but(phase=Phase.MENU), text)
        return self.set_locale(state, code)

    def ask_language(self, state: State) -> Step:
        """The list of languages ("langue", or "je parle pas français" seen by the router)."""
        effects: tuple[Effect, ...] = (Say(T.LANGUAGE_QUESTION), languages())
        if not state.started:
            effects = (Welcome(), *effects)
        if state.phase is Phase.HANDOVER:
            # remember the list was shown: the answer "2" is for the bot, not the mediator
            return Step(state.but(choices=LANGUAGE_CHOICES), effects)
        return Step(state.but(phase=Phase.LANGUAGE, started=True), effects)

    def set_locale(self, state: State, code: str) -> Step:
        effects: list[Effect] = [SetLocale(code), Say(T.LANGUAGE_SET)]
        if code == "ar":
            effects.append(Say(T.LANGUAGE_PARTIAL))
        back = state.but(locale=code, phase=Phase.MENU, node=None)
        if state.phase is Phase.HANDOVER:
            return Step(state.but(locale=code), tuple(effects))
        return Step(back, (*effects, *menu_effects(self.menu)))

    # ------------------------------------------------------------------ building blocks

    def _enter(self, state: State, key: str, *, entered: bool = False) -> Step:
        node = self.tree.node(key)
        if node is None:
            return Step(state.but(phase=Phase.MENU, node=None), menu_effects(self.menu))
        history = state.history
        if state.node and state.node != key and state.phase is Phase.NODE:
            history = (*history, state.node)[-20:]
        first = entered or state.node is None or topic_of(state) != node.topic
        step = self.show(state, node, history=history, misses=0,
                          path=(*state.path, key)[-30:])
        if first:
            return Step(step.state, (Outcome("entered", node.topic, node.id), *step.effects))
        return step

    def show(self, state: State, node: Node, **pending: Any) -> Step:
        """Show a node. ``pending``: the caller's own state changes (never phase or node),
        made in the same copy as the node's: each State copy costs microseconds."""
        topic = self.tree.topic(node.topic)
        effects: list[Effect] = []
        if node.text:
            effects.append(Say(node.text))
        effects.extend(ShowLink(link.label, link.url) for link in node.links)
        if node.contact is not None:
            effects.append(ShowContact(node.contact))
        if node.options:
            effects.append(node_options(node))
            return Step(state.but(**pending, phase=Phase.NODE, node=node.key), tuple(effects))
        if topic is not None and topic.kind is TopicKind.URGENT:
            handover = self.hand_over(state.but(**pending, node=node.key), "urgence",
                                       priority=True)
            return Step(handover.state, (*effects, *handover.effects))
        if node.ending is Ending.HANDOVER or (topic is not None and topic.kind is TopicKind.HUMAN):
            offer = self.offer_person(state.but(**pending, node=node.key), "asked")
            return Step(offer.state, (*effects, *offer.effects))
        if node.ending is Ending.MENU:
            return Step(state.but(**pending, phase=Phase.MENU, node=None),
                        (*effects, *menu_effects(self.menu)))
        return Step(state.but(**pending, phase=Phase.CHECK, node=node.key),
                    (*effects, *check_effects()))

    def free_text(
        self,
        state: State,
        text: str,
        *,
        node: Node | None = None,
        retry: tuple[Effect, ...] | None = None,
    ) -> Step:
        route = self.route(text)
        if route.topic is not None and route.node is not None:
            # as _enter(state.but(history=..., node=None, phase=MENU), route.node,
            # entered=True), in one State copy: every branch of _show sets phase and node
            history = self.routing.history_to(route.node)
            target = self.tree.node(route.node)
            if target is None:
                return Step(state.but(history=history, node=None, phase=Phase.MENU),
                            menu_effects(self.menu))
            step = self.show(state, target, history=history, misses=0,
                              path=(*state.path, route.node)[-30:])
            return Step(step.state,
                        (Outcome("entered", target.topic, target.id), *step.effects))
        if route.ambiguous and route.score >= 0.5 and len(route.ambiguous) > 1:
            return self._ask_choose(state, tuple(f"{t}:" for t in route.ambiguous[:3]))
        misses = state.misses + 1
        if misses >= 2:
            offer = self.offer_person(state.but(misses=0), "misses")
            return Step(offer.state, (Say(T.NOT_UNDERSTOOD_TWICE), *offer.effects))
        effects: list[Effect] = [Say(T.NOT_UNDERSTOOD)]
        off_topic = state.phase is Phase.MENU and len(words(text)) >= 2
        effects.append(Say(T.NOT_UNDERSTOOD_OFF_TOPIC if off_topic else T.NOT_UNDERSTOOD_RETRY))
        if retry is not None:
            effects.extend(retry)
        elif node is not None and node.options:
            effects.append(node_options(node))  # the choices again, not the whole text
        elif node is not None:
            effects.extend(self.show(state, node).effects)
        else:
            effects.extend(current_prompt(state, self.routing))
        return Step(state.but(misses=misses), tuple(effects))

    def _empty(self, state: State) -> Step:
        return Step(state, (Say(T.EMPTY_MESSAGE), *current_prompt(state, self.routing)))

    def _ask_choose(self, state: State, choices: tuple[str, ...]) -> Step:
        return Step(state.but(phase=Phase.CHOOSE, choices=choices),
                    choose_effects(self.routing, choices))

    def offer_person(self, state: State, reason: str) -> Step:
        return Step(state.but(phase=Phase.CONFIRM_HANDOVER, reason=reason, misses=0),
                    offer_effects())

    def hand_over(self, state: State, reason: str, *, priority: bool,
                   distress: Distress | None = None, language: str | None = None) -> Step:
        effect = HandOver(
            priority=priority,
            reason=reason,
            topic=topic_of(state),
            path=state.path,
            said=state.said,
            distress=distress.value if distress else None,
            language=language,
        )
        says: tuple[Effect, ...] = (
            (Say(T.DISTRESS_PERSON),) if distress or priority
            else (Say(T.HANDOVER_STARTED), Say(T.HANDOVER_WRITE), Say(T.HANDOVER_STOP_HINT))
        )
        new = state.but(phase=Phase.HANDOVER, misses=0, reason=reason, said=(),
                        priority=priority)
        return Step(new, (effect, *says))
