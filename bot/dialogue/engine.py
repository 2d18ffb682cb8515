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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from bot.dialogue import texts as T
from bot.dialogue.matching import (
    STOPWORDS,
    KeywordIndex,
    label_similarity,
    normalise,
    normalised_words,
    option_number,
    words,
)
from bot.dialogue.model import (
    Choice,
    Effect,
    End,
    Ending,
    Forget,
    HandOver,
    Node,
    Options,
    Outcome,
    Phase,
    Relay,
    Say,
    SetLocale,
    ShowContact,
    ShowLink,
    State,
    Step,
    TopicKind,
    Tree,
    Welcome,
)
from bot.dialogue.safety import Alert, Distress, concern, detect
from bot.dialogue.safety_world import detect_world
from bot.language import written_in
from bot.understanding.ensemble import SCAMS, Level, Understanding
from bot.understanding.signals import laughing, scam

# How sure routing must be to act on free text (a full keyword of one specific word ~ 1.0).
ROUTE_THRESHOLD = 0.9
MIN_STRENGTH = 0.8  # at least one keyword must be there, typos allowed
AMBIGUITY_RATIO = 0.8  # a runner-up this close to the best makes us ask
MAX_SAID = 20  # messages kept for the ticket, until the handover
LOCALES: tuple[tuple[str, str], ...] = (("fr", "Français"), ("en", "English"), ("ar", "العربية"))
SERVED = tuple(code for code, _ in LOCALES)


class Command(Enum):
    MENU = "menu"
    BACK = "back"
    RESTART = "restart"
    HUMAN = "human"
    STOP = "stop"
    LANGUAGE = "language"
    FORGET = "forget"
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"


_COMMANDS: dict[str, Command] = {}
for _cmd, _phrases in {
    Command.MENU: "menu|menus|meni|mneu|accueil|0|00|menu principal|retour au menu|revenir au menu"
    "|retour menu|main menu|home|القائمة|قائمة|الرئيسية",
    Command.BACK: "retour|retours|retourne|revenir|precedent|en arriere|arriere|back|go back|r"
    "|رجوع|ارجع|عودة",
    Command.RESTART: "recommencer|recommence|reommencer|recomencer|redemarrer|reset|restart"
    "|depuis le debut|du debut|on recommence|start over|من جديد|ابدا من جديد",
    Command.HUMAN: "quelqu un|quelquun|qqn|humain|un humain|une personne|personne|conseiller"
    "|conseillere|mediateur|mediatrice|agent|un agent|human|someone|person|a person|real person"
    "|agent please|operator|شخص|انسان|موظف",
    Command.STOP: "stop|stopp|fin|arret|arreter|arrete|quitter|quit|exit|au revoir|aurevoir"
    "|bye|tchao|ciao|bonne journee|bonne soiree|c est fini|termine|توقف|وقف|خلاص",
    Command.LANGUAGE: "langue|langues|language|languages|lang|لغة|اللغة|لغه|اللغه",
    Command.FORGET: "supprimer mes donnees|supprime mes donnees|effacer mes donnees"
    "|efface mes donnees|oublie moi|oubliez moi|oublie moi svp|forget me|delete my data"
    "|erase my data|supprimer mes infos|effacer tout|احذف بياناتي|امسح بياناتي",
    Command.HELP: "aide|help|a l aide|au secours aide|comment ca marche|mode d emploi|\\?|مساعدة",
    Command.GREETING: "bonjour|bonsoir|salut|slt|bjr|coucou|hello|hi|hey|salam|salam alaykoum"
    "|salam aleykoum|salamalaykoum|yo|bonjour madame|bonjour monsieur|السلام عليكم|سلام|مرحبا"
    "|good morning",
    Command.THANKS: "merci|merci beaucoup|mrc|mci|thanks|thank you|thx|شكرا|merci bcp|super merci",
}.items():
    for _p in _phrases.split("|"):
        _COMMANDS[normalise(_p.replace("\\?", "?")) or "?"] = _cmd

# Asking for a person inside a sentence ("je voudrais parler a quelqu un svp").
_HUMAN_PHRASES = (
    "parler a quelqu un", "parler avec quelqu un", "parler a une personne", "parler a un humain",
    "parler avec un humain", "un vrai humain", "une vraie personne", "vrai personne",
    "personne reelle", "un conseiller", "une conseillere", "un mediateur", "une mediatrice",
    "parler a un conseiller", "talk to someone", "talk to a human", "real person", "a human",
    "speak to someone", "speak to a person", "talk to a person", "اريد التحدث مع شخص",
    "التحدث مع شخص", "مع موظف",
)  # fmt: skip
_THANKS_CORE = frozenset({"merci", "mrc", "mci", "thanks", "thank", "thx", "شكرا"})
_THANKS_WORDS = _THANKS_CORE | frozenset({
    "beaucoup", "bcp", "bien", "gentil", "gentille", "sympa", "cest", "c", "est", "ok", "okay",
    "daccord", "accord", "super", "top", "parfait", "infiniment", "encore", "you", "very", "much",
    "so", "lot", "a", "madame", "monsieur", "bonne", "journee", "soiree", "جزيلا",
})
_HUMAN_PADDED = tuple(f" {normalise(h)} " for h in _HUMAN_PHRASES)
_YES = frozenset(
    {
        "oui", "ouais", "ouai", "ok", "okay", "oki", "d accord", "daccord", "dac", "yes", "yep",
        "yeah", "y", "o", "volontiers", "bien sur", "carrement", "exact", "exactement",
        "c est bon", "ca marche", "parfait", "super", "top", "nickel", "merci", "oui merci",
        "ca m a aide", "c est ca", "نعم", "ايوه", "اه",
    }
)  # fmt: skip
_NO = frozenset(
    {
        "non", "nan", "nn", "no", "nope", "pas vraiment", "pas du tout", "toujours pas",
        "ca m a pas aide", "ca ne m a pas aide", "pas trop", "bof", "non merci", "not really",
        "لا",
    }
)  # fmt: skip


@lru_cache(maxsize=256)
def command_of(text: str) -> Command | None:
    """The command a message is, if any. Cached (small): a step asks for it up to twice."""
    norm = normalise(text)
    if not norm and text.strip() == "?":
        return Command.HELP
    cmd = _COMMANDS.get(norm)
    if cmd is not None:
        return cmd
    # "menu svp", "stop merci", "retour stp": a command word plus politeness
    toks = [t for t in normalised_words(norm)
            if t not in STOPWORDS and t not in ("plait", "te", "svp")]
    if len(toks) == 1 and toks[0] in _COMMANDS and _COMMANDS[toks[0]] not in (
        Command.GREETING, Command.THANKS, Command.HUMAN
    ):
        return _COMMANDS[toks[0]]
    # "merci beaucoup c'est gentil", "ok merci bien": thanks with only kind words around it
    said = set(normalised_words(norm))
    if said <= _THANKS_WORDS and not _THANKS_CORE.isdisjoint(said):
        return Command.THANKS
    padded = f" {norm} "
    if any(p in padded for p in _HUMAN_PADDED):
        return Command.HUMAN
    return None


def yes_no(text: str) -> bool | None:
    norm = normalise(text)
    if norm in _YES or norm in ("1",):
        return True
    if norm in _NO or norm in ("2",):
        return False
    if command_of(text) is Command.THANKS:  # "merci beaucoup c'est gentil" after an answer
        return True
    first = norm.split(" ", 1)[0] if norm else ""
    if first in ("oui", "ouais", "yes", "ok", "نعم"):
        return True
    if first in ("non", "no", "nan", "لا"):
        return False
    return None


@dataclass(frozen=True, slots=True)
class Route:
    """How a free message is understood: shown by ``python -m bot route``."""

    topic: str | None
    node: str | None  # node key
    score: float
    ambiguous: tuple[str, ...] = ()


class Engine:
    """A tree compiled for fast matching; ``step`` is pure given the tree."""

    def __init__(self, tree: Tree, understanding: Understanding | None = None) -> None:
        self.tree = tree
        self.understanding = understanding
        pairs: list[tuple[str, str]] = []
        for topic in tree.topics:
            pairs.extend((topic.id, kw) for kw in topic.keywords)
            pairs.append((topic.id, topic.id.replace("_", " ")))
        self.topics_index = KeywordIndex.build(pairs)
        option_pairs: list[tuple[str, str]] = []
        self._option_owner_topic: dict[str, str] = {}
        for node in tree.nodes:
            for option in node.options:
                target = tree.resolve(option, node.topic)
                owner = f"{node.key}>{target}"
                self._option_owner_topic[owner] = node.topic
                option_pairs.extend((owner, kw) for kw in option.keywords)
        self.options_index = KeywordIndex.build(option_pairs)
        KeywordIndex.share_fuzzy(self.topics_index, self.options_index)
        self._owners_of: dict[str, frozenset[str]] = {
            node.key: frozenset(
                f"{node.key}>{tree.resolve(o, node.topic)}" for o in node.options
            )
            for node in tree.nodes
        }
        self.menu = tree.menu_topics()
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
        # first parent of each node inside its topic, so "retour" works after a direct jump
        self._parent: dict[str, str] = {}
        for topic in tree.topics:
            queue = [f"{topic.id}:{topic.entry}"]
            while queue:
                key = queue.pop(0)
                current = tree.node(key)
                for option in current.options if current else ():
                    child = tree.resolve(option, topic.id)
                    entry = f"{topic.id}:{topic.entry}"
                    if child.startswith(f"{topic.id}:") and child not in self._parent \
                            and child != entry:
                        self._parent[child] = key
                        queue.append(child)

    # ------------------------------------------------------------------ understanding

    def route(self, text: str) -> Route:
        """Which topic (and, when the message says enough, which node) a free message means."""
        if command_of(text) is Command.HUMAN:
            human = next((t for t in self.tree.topics if t.kind is TopicKind.HUMAN), None)
            if human is not None:
                return Route(human.id, f"{human.id}:{human.entry}", 1.0)
        keywords = self._keyword_route(text)
        if self.understanding is None or not normalise(text):
            return keywords
        topic = self.tree.topic(keywords.topic or "")
        if topic is not None and topic.kind is TopicKind.URGENT \
                and len(normalise(text).split()) <= 3:
            return keywords  # "urgence", "danger", "au secours": the emergency topic at once
        if scam(text) and self.tree.topic(SCAMS) is not None:
            # a scam imitates an agency: naming the Caf must not send it to the Caf's answers
            return Route(SCAMS, self._answer_of(text, SCAMS), 1.0)
        if keywords.topic is not None and self._is_answer(keywords) \
                and self.understanding.agrees(text, keywords.topic):
            # the keywords named a precise answer, and the classifier does not object
            return keywords
        choice = self.understanding.choose(text, keywords.topic, keywords.ambiguous)
        if choice.topic is None:
            return Route(None, None, round(choice.score, 3), choice.ambiguous)
        if choice.topic == keywords.topic and keywords.node is not None \
                and self._is_answer(keywords):
            return keywords
        return Route(choice.topic, self._answer_of(text, choice.topic), round(choice.score, 3))

    def _answer_of(self, text: str, topic: str) -> str | None:
        """The answer node of ``topic`` a message asks for: the options' examples decide when
        the message says enough (three words at least), else the options' keywords."""
        if self.understanding is not None and len(normalise(text).split()) >= 3:
            learned = self.understanding.node(text, topic)
            if learned is not None and self.tree.node(learned) is not None:
                return learned
        tokens = self.topics_index.message_tokens(text)
        option_hits = self.options_index.ranked(tokens) if tokens else []
        return self._descend(topic, {owner: score for owner, score, _ in option_hits})

    def parent_of(self, key: str) -> str | None:
        """The node one "retour" leads back to from ``key`` inside its topic."""
        return self._parent.get(key)

    def _is_answer(self, route: Route) -> bool:
        entry = self.tree.entry(route.topic or "")
        return route.node is not None and entry is not None and route.node != entry.key

    def _keyword_route(self, text: str) -> Route:
        """The admins' keywords alone: the whole understanding when no classifier is trained."""
        tokens = self.topics_index.message_tokens(text)
        if not tokens:
            return Route(None, None, 0.0)
        scores: dict[str, float] = {}
        strength: dict[str, float] = {}
        for owner, score, strong in self.topics_index.ranked(tokens):
            scores[owner] = scores.get(owner, 0.0) + score
            strength[owner] = max(strength.get(owner, 0.0), strong)
        option_hits = self.options_index.ranked(tokens)
        for owner, score, strong in option_hits:
            topic = self._option_owner_topic[owner]
            scores[topic] = scores.get(topic, 0.0) + 0.6 * score
            strength[topic] = max(strength.get(topic, 0.0), 0.75 * strong)
        if not scores:
            return Route(None, None, 0.0)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best_topic, best = ranked[0]
        score = round(min(1.0, best / (best + 0.35)), 3)
        if strength.get(best_topic, 0.0) < MIN_STRENGTH or best < ROUTE_THRESHOLD * 0.5:
            return Route(None, None, score)
        close = tuple(t for t, s in ranked[1:] if s >= AMBIGUITY_RATIO * best)
        if close:
            return Route(None, None, score, (best_topic, *close))
        node = self._descend(best_topic, {owner: score for owner, score, _ in option_hits})
        return Route(best_topic, node, score)

    def _descend(self, topic_id: str, option_scores: dict[str, float]) -> str | None:
        entry = self.tree.entry(topic_id)
        if entry is None:
            return None
        key = entry.key
        for _ in range(5):
            owners = self._owners_of.get(key, frozenset())
            hits = sorted(
                ((option_scores[o], o) for o in owners if o in option_scores), reverse=True
            )
            if not hits or hits[0][0] < ROUTE_THRESHOLD * 0.8:
                break
            if len(hits) > 1 and hits[1][0] >= AMBIGUITY_RATIO * hits[0][0]:
                break
            target = hits[0][1].split(">", 1)[1]
            if target.split(":", 1)[0] != topic_id or self.tree.node(target) is None:
                break
            key = target
        return key

    def _pick_option(self, node: Node, text: str) -> tuple[str | None, tuple[str, ...]]:
        """The target of the option the person means, or the close candidates."""
        n = option_number(text, len(node.options))
        if n is not None:
            return self.tree.resolve(node.options[n - 1], node.topic), ()
        sims = sorted(
            ((label_similarity(text, o.label), i) for i, o in enumerate(node.options)),
            reverse=True,
        )
        if sims and sims[0][0] >= 88 and (len(sims) == 1 or sims[1][0] < sims[0][0] - 5):
            return self.tree.resolve(node.options[sims[0][1]], node.topic), ()
        owners = self._owners_of.get(node.key, frozenset())
        tokens = self.options_index.message_tokens(text)
        hits = self.options_index.ranked(tokens, owners) if owners else []
        if not hits:
            return None, ()
        if len(hits) > 1 and hits[1][1] >= AMBIGUITY_RATIO * hits[0][1]:
            return None, tuple(owner.split(">", 1)[1] for owner, _, _ in hits[:3])
        return hits[0][0].split(">", 1)[1], ()

    # ------------------------------------------------------------------ the step

    def start(self, state: State | None = None) -> Step:
        state = state or State()
        effects: list[Effect] = []
        if not state.started:
            effects.append(Welcome())
        effects.extend(self._menu_effects())
        return Step(state.but(phase=Phase.MENU, node=None, history=(), misses=0, started=True),
                    tuple(effects))

    def step(self, state: State, text: str) -> Step:
        """One message from the person. Always returns at least one effect."""
        text = text if isinstance(text, str) else str(text)
        world = detect_world(text)
        alert, gentle = self._safety(text, world[0] if world is not None else None)
        if alert is not None:
            language = world[1] if world is not None else written_in(text)
            if language in SERVED:
                language = None  # only a language the bot does not serve is worth saying
            return self._distress(state, text, alert, language)
        if state.phase is Phase.HANDOVER:
            return self._in_handover(state, text)
        if _concern_applies(state) and concern(text):
            # a weak sign the classifier reads as clearly not distress ("fatiguée de ce temps
            # pourri"): the gentle word, without stopping the person with a yes/no question
            offer = self.understanding is None or not self.understanding.reads_as_calm(text)
            return self._concern(state, text, offer=offer)
        if gentle and _concern_applies(state):
            return self._concern(state, text, offer=False)
        state = self._remember(state, text)
        prefix: list[Effect] = []
        if not state.started:
            prefix.append(Welcome())
            state = state.but(started=True)
        result = self._dispatch(state, text)
        if prefix:
            result = Step(result.state, (*prefix, *result.effects))
        return result

    def _safety(self, text: str, world: Alert | None) -> tuple[Alert | None, bool]:
        """(the alarm, if any; whether to ask gently): the rules (``world``: the phrases of
        languages the bot does not serve), then the classifier and the figurative check."""
        alert = detect(text)
        if alert is None and world is not None:
            # the classifier has hardly seen these languages: only laughter may lower them
            return (None, True) if laughing(text) else (world, False)
        if self.understanding is None or not _free_text_like(text):
            return alert, False
        reading = self.understanding.safety(text, rule_hit=alert is not None)
        if reading.level is Level.ALARM:
            if alert is None:
                category = _CATEGORY.get(reading.category or "", Distress.OTHER)
                alert = Alert((category,))
            return alert, False
        return None, reading.level is Level.GENTLE

    def _dispatch(self, state: State, text: str) -> Step:
        if not normalise(text):
            return self._empty(state)
        cmd = command_of(text)
        if cmd is Command.HUMAN and self.understanding is not None and scam(text):
            cmd = None  # "un conseiller de ma banque veut mon code" is a scam, not a request
        if cmd is not None and not (
            state.phase in (Phase.CHECK, Phase.CONFIRM_HANDOVER, Phase.CONFIRM_FORGET)
            and cmd in (Command.THANKS,)
        ):
            handled = self._command(state, cmd)
            if handled is not None:
                return handled
        return self._handlers[state.phase](state, text)

    # ------------------------------------------------------------------ phases

    def _at_menu(self, state: State, text: str) -> Step:
        n = option_number(text, len(self.menu))
        if n is not None:
            topic = self.menu[n - 1]
            return self._enter(state, f"{topic.id}:{topic.entry}", entered=True)
        return self._free_text(state, text)

    def _at_node(self, state: State, text: str) -> Step:
        node = self.tree.node(state.node or "")
        if node is None or not node.options:
            return self._free_text(state.but(phase=Phase.MENU, node=None), text)
        target, close = self._pick_option(node, text)
        if target is not None:
            return self._enter(state, target)
        if close:
            return self._ask_choose(state, close)
        return self._free_text(state, text, node=node)

    def _at_check(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        node = self.tree.node(state.node or "")
        topic = node.topic if node else None
        if answer is True:
            return Step(
                state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                (Outcome("helped", topic), Say(T.GLAD), *self._menu_effects()),
            )
        if answer is False:
            offer = self._offer_person(state, "not_helped")
            return Step(offer.state, (Outcome("not_helped", topic), *offer.effects))
        return self._free_text(state, text, retry=self._check_effects())

    def _at_confirm_handover(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        if answer is True:
            return self._hand_over(state, state.reason or "asked", priority=state.priority)
        if answer is False:
            return Step(state.but(phase=Phase.MENU, node=None, misses=0, reason=""),
                        self._menu_effects())
        return self._free_text(state, text, retry=self._offer_effects())

    def _at_choose(self, state: State, text: str) -> Step:
        choices = state.choices
        n = option_number(text, len(choices))
        if n is None:
            sims = [(label_similarity(text, self._choice_label(c)), c) for c in choices]
            best = max(sims, default=(0.0, ""))
            if best[0] >= 85:
                n = choices.index(best[1]) + 1
        if n is None:
            return self._free_text(state.but(phase=Phase.MENU, choices=()), text)
        chosen = choices[n - 1]
        if chosen.endswith(":"):
            topic = self.tree.topic(chosen[:-1])
            if topic is None:  # the dialogues changed since this question was asked
                return Step(state.but(phase=Phase.MENU, choices=()), self._menu_effects())
            return self._enter(state.but(choices=()), f"{topic.id}:{topic.entry}", entered=True)
        return self._enter(state.but(choices=()), chosen)

    def _at_confirm_forget(self, state: State, text: str) -> Step:
        answer = yes_no(text)
        if answer is True:
            fresh = State(locale=state.locale, started=True)
            return Step(fresh, (Forget(), Say(T.FORGET_DONE), *self._menu_effects()))
        if answer is False and state.reason == _FROM_HANDOVER:
            return Step(state.but(phase=Phase.HANDOVER, reason=""), (Say(T.FORGET_CANCELLED),))
        if answer is False:
            return Step(state.but(phase=Phase.MENU, node=None),
                        (Say(T.FORGET_CANCELLED), *self._menu_effects()))
        return Step(state, (Say(T.FORGET_QUESTION), self._yes_no_options(T.YES, T.NO)))

    def _at_rate(self, state: State, text: str) -> Step:
        norm = normalise(text)
        digits = [int(ch) for ch in norm if ch.isdigit()]
        if len(digits) == 1 and 1 <= digits[0] <= 5:
            return Step(
                state.but(phase=Phase.MENU, node=None),
                (Outcome("rated", score=digits[0]), Say(T.RATE_THANKS), *self._menu_effects()),
            )
        return self._at_menu(state.but(phase=Phase.MENU), text)

    def _at_language(self, state: State, text: str) -> Step:
        n = option_number(text, len(LOCALES))
        code = LOCALES[n - 1][0] if n is not None else _locale_named(text)
        if code is None:
            return self._at_menu(state.but(phase=Phase.MENU), text)
        return self.set_locale(state, code)

    def ask_language(self, state: State) -> Step:
        """The list of languages ("langue", or "je parle pas français" seen by the router)."""
        effects: tuple[Effect, ...] = (Say(T.LANGUAGE_QUESTION), self._languages())
        if not state.started:
            effects = (Welcome(), *effects)
        if state.phase is Phase.HANDOVER:
            # remember the list was shown: the answer "2" is for the bot, not the mediator
            return Step(state.but(choices=_LANGUAGE_CHOICES), effects)
        return Step(state.but(phase=Phase.LANGUAGE, started=True), effects)

    def set_locale(self, state: State, code: str) -> Step:
        effects: list[Effect] = [SetLocale(code), Say(T.LANGUAGE_SET)]
        if code == "ar":
            effects.append(Say(T.LANGUAGE_PARTIAL))
        back = state.but(locale=code, phase=Phase.MENU, node=None)
        if state.phase is Phase.HANDOVER:
            return Step(state.but(locale=code), tuple(effects))
        return Step(back, (*effects, *self._menu_effects()))

    # ------------------------------------------------------------------ commands

    def _command(self, state: State, cmd: Command) -> Step | None:
        if cmd is Command.MENU:
            return Step(state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                        self._menu_effects())
        if cmd is Command.RESTART:
            return Step(
                state.but(phase=Phase.MENU, node=None, history=(), misses=0, path=(), said=()),
                (Say(T.RESTARTED), *self._menu_effects()),
            )
        if cmd is Command.BACK:
            return self._back(state)
        if cmd is Command.HUMAN:
            return self._offer_person(state, "asked")
        if cmd is Command.STOP:
            return Step(
                state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                (Outcome("abandoned", self._topic_of(state)) if state.node else End("stop"),
                 Say(T.STOPPED), End("stop")) if state.node else (Say(T.STOPPED), End("stop")),
            )
        if cmd is Command.LANGUAGE:
            return self.ask_language(state)
        if cmd is Command.FORGET:
            return Step(state.but(phase=Phase.CONFIRM_FORGET),
                        (Say(T.FORGET_QUESTION), self._yes_no_options(T.YES, T.NO)))
        if cmd is Command.HELP:
            return Step(state, (Say(T.HELP), *self._current_prompt(state)))
        if cmd is Command.GREETING:
            if state.phase is Phase.MENU:
                return Step(state.but(misses=0), (Say(T.GREETING), *self._menu_effects()))
            return Step(state, (Say(T.GREETING), *self._current_prompt(state)))
        if cmd is Command.THANKS:
            return Step(state, (Say(T.THANKS), Say(T.FOOTER)))
        return None

    def _back(self, state: State) -> Step:
        if state.phase in (Phase.CHECK, Phase.CHOOSE, Phase.CONFIRM_HANDOVER) and state.node:
            node = self.tree.node(state.node)
            if node is not None and node.options:
                return self._show(state.but(misses=0), node)
        if not state.history:
            if state.phase is Phase.MENU:
                return Step(state, (Say(T.BACK_AT_START), *self._menu_effects()))
            return Step(state.but(phase=Phase.MENU, node=None, misses=0), self._menu_effects())
        previous = self.tree.node(state.history[-1])
        if previous is None:
            return Step(state.but(phase=Phase.MENU, node=None, history=()), self._menu_effects())
        return self._show(state.but(history=state.history[:-1], misses=0), previous)

    # ------------------------------------------------------------------ building blocks

    def _enter(self, state: State, key: str, *, entered: bool = False) -> Step:
        node = self.tree.node(key)
        if node is None:
            return Step(state.but(phase=Phase.MENU, node=None), self._menu_effects())
        history = state.history
        if state.node and state.node != key and state.phase is Phase.NODE:
            history = (*history, state.node)[-20:]
        first = entered or state.node is None or self._topic_of(state) != node.topic
        step = self._show(state, node, history=history, misses=0,
                          path=(*state.path, key)[-30:])
        if first:
            return Step(step.state, (Outcome("entered", node.topic, node.id), *step.effects))
        return step

    def _show(self, state: State, node: Node, **pending: Any) -> Step:
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
            effects.append(self._node_options(node))
            return Step(state.but(**pending, phase=Phase.NODE, node=node.key), tuple(effects))
        if topic is not None and topic.kind is TopicKind.URGENT:
            handover = self._hand_over(state.but(**pending, node=node.key), "urgence",
                                       priority=True)
            return Step(handover.state, (*effects, *handover.effects))
        if node.ending is Ending.HANDOVER or (topic is not None and topic.kind is TopicKind.HUMAN):
            offer = self._offer_person(state.but(**pending, node=node.key), "asked")
            return Step(offer.state, (*effects, *offer.effects))
        if node.ending is Ending.MENU:
            return Step(state.but(**pending, phase=Phase.MENU, node=None),
                        (*effects, *self._menu_effects()))
        return Step(state.but(**pending, phase=Phase.CHECK, node=node.key),
                    (*effects, *self._check_effects()))

    def _free_text(
        self,
        state: State,
        text: str,
        *,
        node: Node | None = None,
        retry: tuple[Effect, ...] | None = None,
    ) -> Step:
        route = self.route(text)
        if route.topic is not None and route.node is not None:
            chain: list[str] = []
            key = route.node
            while key in self._parent and len(chain) < 10:
                key = self._parent[key]
                chain.append(key)
            # as _enter(state.but(history=chain, node=None, phase=MENU), route.node,
            # entered=True), in one State copy: every branch of _show sets phase and node
            history = tuple(reversed(chain))
            target = self.tree.node(route.node)
            if target is None:
                return Step(state.but(history=history, node=None, phase=Phase.MENU),
                            self._menu_effects())
            step = self._show(state, target, history=history, misses=0,
                              path=(*state.path, route.node)[-30:])
            return Step(step.state,
                        (Outcome("entered", target.topic, target.id), *step.effects))
        if route.ambiguous and route.score >= 0.5 and len(route.ambiguous) > 1:
            return self._ask_choose(state, tuple(f"{t}:" for t in route.ambiguous[:3]))
        misses = state.misses + 1
        if misses >= 2:
            offer = self._offer_person(state.but(misses=0), "misses")
            return Step(offer.state, (Say(T.NOT_UNDERSTOOD_TWICE), *offer.effects))
        effects: list[Effect] = [Say(T.NOT_UNDERSTOOD)]
        off_topic = state.phase is Phase.MENU and len(words(text)) >= 2
        effects.append(Say(T.NOT_UNDERSTOOD_OFF_TOPIC if off_topic else T.NOT_UNDERSTOOD_RETRY))
        if retry is not None:
            effects.extend(retry)
        elif node is not None and node.options:
            effects.append(self._node_options(node))  # the choices again, not the whole text
        elif node is not None:
            effects.extend(self._show(state, node).effects)
        else:
            effects.extend(self._current_prompt(state))
        return Step(state.but(misses=misses), tuple(effects))

    def _empty(self, state: State) -> Step:
        return Step(state, (Say(T.EMPTY_MESSAGE), *self._current_prompt(state)))

    def _ask_choose(self, state: State, choices: tuple[str, ...]) -> Step:
        items = tuple(Choice(i, self._choice_label(c)) for i, c in enumerate(choices, start=1))
        return Step(state.but(phase=Phase.CHOOSE, choices=choices),
                    (Say(T.CHOOSE_WHICH), Options(items)))

    def describe_path(self, path: tuple[str, ...]) -> str:
        """What the person went through, as mediators read it: topic title › option labels."""
        parts: list[str] = []
        for key in path:
            topic_id, _, node_id = key.partition(":")
            topic = self.tree.topic(topic_id)
            label = (topic.title if topic is not None and topic.entry == node_id
                     else self._choice_label(key))
            if label not in parts:
                parts.append(label)
        return " › ".join(parts[-4:])

    def _choice_label(self, choice: str) -> str:
        if choice.endswith(":"):
            topic = self.tree.topic(choice[:-1])
            return topic.title if topic else choice
        # a node key: the label of the option that leads to it
        for node in self.tree.nodes:
            for option in node.options:
                if self.tree.resolve(option, node.topic) == choice:
                    return option.label
        return choice

    def _offer_person(self, state: State, reason: str) -> Step:
        return Step(state.but(phase=Phase.CONFIRM_HANDOVER, reason=reason, misses=0),
                    self._offer_effects())

    def _offer_effects(self) -> tuple[Effect, ...]:
        return (Say(T.OFFER_PERSON), Say(T.OFFER_PERSON_QUESTION),
                self._yes_no_options(T.YES_PERSON, T.NO_PERSON))

    def _hand_over(self, state: State, reason: str, *, priority: bool,
                   distress: Distress | None = None, language: str | None = None) -> Step:
        effect = HandOver(
            priority=priority,
            reason=reason,
            topic=self._topic_of(state),
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

    def _distress(self, state: State, text: str, alert: Alert,
                  language: str | None = None) -> Step:
        effects: list[Effect] = []
        if not state.started:
            effects.append(Welcome())
        effects.append(Say(T.DISTRESS_INTRO))
        effects.append(Say(T.DISTRESS_DANGER))
        if language is not None and state.locale != "en":
            effects.append(Say(T.DISTRESS_IN_ENGLISH))
        for category in alert.categories:
            if category in _DISTRESS_TEXT:
                effects.append(Say(_DISTRESS_TEXT[category]))
        effects.append(Outcome("distress", self._topic_of(state)))
        state = self._remember(state.but(started=True), text)
        if state.phase is Phase.HANDOVER:
            # already with a person: raise the ticket's priority and relay the message
            effects.append(HandOver(priority=True, reason="distress", topic=self._topic_of(state),
                                    distress=alert.main.value, language=language))
            effects.append(Relay(text))
            return Step(state.but(priority=True, said=()), tuple(effects))
        handover = self._hand_over(state, "distress", priority=True, distress=alert.main,
                                   language=language)
        return Step(handover.state, (*effects, *handover.effects))

    def _concern(self, state: State, text: str, *, offer: bool = True) -> Step:
        """A weak sign of distress: a gentle word and the numbers first, a person on offer,
        and the procedure question still answered (it is often why the person wrote).

        ``offer=False`` (the classifier's middle tier, a figure of speech set aside): the
        gentle word and how to reach a person, without asking a yes/no question first."""
        prefix: list[Effect] = [] if state.started else [Welcome()]
        prefix.append(Say(T.CONCERN_INTRO))
        state = self._remember(state.but(started=True), text)
        if not offer:  # the gentle word, then exactly what the message would have had
            answer = self._dispatch(state, text)
            answered = (Say(T.CONCERN_ANSWER),) if answer.state.node else ()
            return Step(answer.state, (*prefix, *answered, *answer.effects,
                                       Say(T.CONCERN_PERSON_HINT)))
        route = self.route(text)
        if route.topic is not None and route.node is not None:
            answer = self._free_text(state.but(phase=Phase.MENU, node=None), text)
            phase = answer.state.phase
            if phase is Phase.CHECK:
                # "did this help?" gives way to the offer of a person
                checks = self._check_effects()
                kept = tuple(e for e in answer.effects if e not in checks)
                offered = self._offer_person(answer.state, "concern")
                return Step(offered.state,
                            (*prefix, Say(T.CONCERN_ANSWER), *kept, *offered.effects))
            if phase is Phase.CONFIRM_HANDOVER:  # the topic offers a person: say why
                return Step(answer.state.but(reason="concern"), (*prefix, *answer.effects))
            if phase is Phase.HANDOVER:  # an urgent topic has already called a person
                return Step(answer.state, (*prefix, *answer.effects))
            # a node with choices: its numbers stay the person's, "quelqu'un" reaches a person
            return Step(answer.state, (*prefix, Say(T.CONCERN_ANSWER), *answer.effects,
                                       Say(T.CONCERN_PERSON_HINT)))
        offered = self._offer_person(state, "concern")
        return Step(offered.state, (*prefix, *offered.effects))

    def _in_handover(self, state: State, text: str) -> Step:
        cmd = command_of(text)
        if cmd is Command.STOP:
            return Step(
                state.but(phase=Phase.MENU, node=None, history=(), reason="", priority=False),
                (End("person_stopped"), Say(T.HANDOVER_ENDED), *self._menu_effects()),
            )
        if cmd is Command.LANGUAGE:
            return self.ask_language(state)
        if cmd is Command.FORGET:  # the right to erasure holds during a handover too
            return Step(state.but(phase=Phase.CONFIRM_FORGET, reason=_FROM_HANDOVER),
                        (Say(T.FORGET_QUESTION), self._yes_no_options(T.YES, T.NO)))
        if state.choices == _LANGUAGE_CHOICES:
            state = state.but(choices=())
            n = option_number(text, len(LOCALES))
            if n is not None:
                return self.set_locale(state, LOCALES[n - 1][0])
        code = _locale_named(text) if len(normalise(text).split()) <= 2 else None
        if code is not None and code != state.locale and normalise(text) in _LOCALE_WORDS:
            return self.set_locale(state, code)
        return Step(state, (Relay(text),))

    # ------------------------------------------------------------------ effects helpers

    def _menu_effects(self) -> tuple[Effect, ...]:
        items = tuple(Choice(i, t.title) for i, t in enumerate(self.menu, start=1))
        return (Say(T.MENU_INTRO), Options(items), Say(T.MENU_HINT))

    def _node_options(self, node: Node) -> Options:
        return Options(tuple(Choice(i, o.label) for i, o in enumerate(node.options, start=1)))

    def _check_effects(self) -> tuple[Effect, ...]:
        return (Say(T.ASK_HELPED), self._yes_no_options(T.YES_HELPED, T.NO_HELPED))

    @staticmethod
    def _yes_no_options(yes: str, no: str) -> Options:
        return Options((Choice(1, yes), Choice(2, no)))

    @staticmethod
    def _languages() -> Options:
        return Options(tuple(Choice(i, name) for i, (_, name) in enumerate(LOCALES, start=1)),
                       footer=False)

    def _current_prompt(self, state: State) -> tuple[Effect, ...]:
        if state.phase is Phase.NODE and state.node:
            node = self.tree.node(state.node)
            if node is not None and node.options:
                return (self._node_options(node),)
        if state.phase is Phase.CHECK:
            return self._check_effects()
        if state.phase is Phase.CONFIRM_HANDOVER:
            return self._offer_effects()
        if state.phase is Phase.CHOOSE and state.choices:
            return self._ask_choose(state, state.choices).effects
        if state.phase is Phase.LANGUAGE:
            return (Say(T.LANGUAGE_QUESTION), self._languages())
        if state.phase is Phase.CONFIRM_FORGET:
            return (Say(T.FORGET_QUESTION), self._yes_no_options(T.YES, T.NO))
        if state.phase is Phase.RATE:
            return (Say(T.RATE_QUESTION),)
        return self._menu_effects()

    def _topic_of(self, state: State) -> str | None:
        if state.node:
            return state.node.split(":", 1)[0]
        return None

    @staticmethod
    def _remember(state: State, text: str) -> State:
        clipped = text.strip()[:500]
        if not clipped:
            return state
        return state.but(said=(*state.said, clipped)[-MAX_SAID:])


_FROM_HANDOVER = "forget_during_handover"  # State.reason while confirming erasure mid-handover


def _concern_applies(state: State) -> bool:
    """Not while erasure is being confirmed (its yes/no comes first), and not twice in a row:
    once a person has been offered for a concern, the next message is the answer to it."""
    if state.phase is Phase.CONFIRM_FORGET:
        return False
    return not (state.phase is Phase.CONFIRM_HANDOVER and state.reason == "concern")

def _free_text_like(text: str) -> bool:
    """A sentence, not a number, a yes/no or a command word: what the classifier may read."""
    norm = normalise(text)
    if len(norm.split()) < 2 or command_of(text) is not None:
        return False
    return norm not in _YES and norm not in _NO


_CATEGORY = {d.value: d for d in Distress}

_DISTRESS_TEXT = {
    Distress.SUICIDE: T.DISTRESS_SUICIDE,
    Distress.VIOLENCE: T.DISTRESS_VIOLENCE,
    Distress.CHILD: T.DISTRESS_CHILD,
    Distress.SHELTER: T.DISTRESS_SHELTER,
    Distress.MEDICAL: T.DISTRESS_MEDICAL,
}

# Marker in State.choices during a handover: the language list was just shown.
_LANGUAGE_CHOICES: tuple[str, ...] = tuple(f"language:{code}" for code, _ in LOCALES)

_LOCALE_WORDS: dict[str, str] = {
    normalise(k): v
    for k, v in {
        "francais": "fr", "français": "fr", "french": "fr", "fr": "fr", "الفرنسية": "fr",
        "anglais": "en", "english": "en", "en": "en", "الانجليزية": "en", "انجليزي": "en",
        "arabe": "ar", "arabic": "ar", "ar": "ar", "العربية": "ar", "عربي": "ar",
    }.items()
}  # fmt: skip


def _locale_named(text: str) -> str | None:
    norm = normalise(text)
    if norm in _LOCALE_WORDS:
        return _LOCALE_WORDS[norm]
    for tok in norm.split():
        if tok in _LOCALE_WORDS and len(tok) > 2:
            return _LOCALE_WORDS[tok]
    for code, name in LOCALES:
        if normalise(name) == norm:
            return code
    return None


def all_node_keys(tree: Tree) -> Iterable[str]:
    return (n.key for n in tree.nodes)
