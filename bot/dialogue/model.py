"""Values of the dialogue world: the tree admins write, the state of one conversation, and
the effects the engine asks the outside world to perform.

Everything here is a frozen dataclass with no behaviour beyond (de)serialisation, so the
engine stays pure and a test can compare what the bot "said" with plain ``==``.

Texts in effects are *French source strings* (the gettext msgid) plus named parameters;
rendering in the person's language happens later, in ``bot.i18n``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Where:
    """A place in an admin's YAML file, shown as ``file:line:col`` (1-based)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Example:
    """A phrasing a person would write, taught to the classifier (never shown to anyone)."""

    text: str
    locale: str = "fr"
    where: Where | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    target: str  # node id, in the same topic, or "topic_id:node_id" / "topic_id"
    keywords: tuple[str, ...] = ()
    where: Where | None = field(default=None, compare=False)
    examples: tuple[Example, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    """An official site an admin points to; the loader accepts https addresses only."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Contact:
    """Where a person can get help off-line or by phone (a "refer" ending)."""

    name: str
    phone: str = ""
    hours: str = ""
    place: str = ""
    url: str = ""


class Ending(StrEnum):
    """What happens after a node that has no options."""

    CHECK = "check"  # ask "did this help?" (yes -> menu, no -> offer a person)
    HANDOVER = "handover"  # offer to pass the conversation to a person
    REFER = "refer"  # show the contact card, then ask "did this help?"
    MENU = "menu"  # go back to the main menu (used by special topics)
    NONE = "none"  # has options: the person chooses


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    topic: str
    text: str
    options: tuple[Option, ...] = ()
    links: tuple[Link, ...] = ()
    contact: Contact | None = None
    ending: Ending = Ending.NONE
    where: Where | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.topic}:{self.id}"


class TopicKind(StrEnum):
    PROCEDURE = "procedure"
    HUMAN = "humain"  # the person asks for someone
    URGENT = "urgence"  # emergency numbers, priority handover


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    entry: str  # node id
    keywords: tuple[str, ...] = ()
    keywords_by_locale: tuple[tuple[str, tuple[str, ...]], ...] = ()
    kind: TopicKind = TopicKind.PROCEDURE
    in_menu: bool = True
    order: int = 100
    where: Where | None = field(default=None, compare=False)
    examples: tuple[Example, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Tree:
    topics: tuple[Topic, ...]
    nodes: tuple[Node, ...]

    # lookup tables; built once by the loader, never mutated
    _topics: dict[str, Topic] = field(default_factory=dict, compare=False, repr=False)
    _nodes: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._topics.update({t.id: t for t in self.topics})
        self._nodes.update({n.key: n for n in self.nodes})

    def topic(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def node(self, key: str) -> Node | None:
        return self._nodes.get(key)

    def entry(self, topic_id: str) -> Node | None:
        topic = self._topics.get(topic_id)
        return None if topic is None else self._nodes.get(f"{topic.id}:{topic.entry}")

    def menu_topics(self) -> tuple[Topic, ...]:
        return tuple(
            sorted((t for t in self.topics if t.in_menu), key=lambda t: (t.order, t.title))
        )

    def resolve(self, option: Option, topic_id: str) -> str:
        """The node key an option leads to (a topic id alone means its entry node)."""
        target = option.target
        if ":" in target:
            return target
        if target in self._topics and f"{topic_id}:{target}" not in self._nodes:
            return f"{target}:{self._topics[target].entry}"
        return f"{topic_id}:{target}"


# --------------------------------------------------------------------------- state


class Phase(StrEnum):
    MENU = "menu"  # main menu shown, waiting for a topic
    NODE = "node"  # at a node with options
    CHECK = "check"  # asked "did this help?"
    CONFIRM_HANDOVER = "confirm_handover"  # asked "do you want a person?"
    CHOOSE = "choose"  # asked "did you mean A or B?"
    CONFIRM_STOP = "confirm_stop"
    CONFIRM_FORGET = "confirm_forget"
    HANDOVER = "handover"  # a person is in charge; the engine stays quiet
    RATE = "rate"  # asked to rate 1-5 after a handover
    LANGUAGE = "language"  # asked which language to use


@dataclass(frozen=True, slots=True)
class State:
    """One conversation, small enough to live as a JSON text in SQLite."""

    phase: Phase = Phase.MENU
    node: str | None = None  # "topic:node" key
    history: tuple[str, ...] = ()  # previous node keys, for "retour"
    misses: int = 0
    choices: tuple[str, ...] = ()  # node keys or "topic:" ids offered in CHOOSE
    locale: str = "fr"
    started: bool = False  # the welcome (who we are, what we keep) was shown
    said: tuple[str, ...] = ()  # what the person typed, kept only until handover
    path: tuple[str, ...] = ()  # node keys visited (for stats and the ticket root)
    priority: bool = False
    reason: str = ""  # why a handover is being offered (asked, not_helped, misses)

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "phase": self.phase.value,
            "node": self.node,
            "history": list(self.history),
            "misses": self.misses,
            "choices": list(self.choices),
            "locale": self.locale,
            "started": self.started,
            "said": list(self.said),
            "path": list(self.path),
            "priority": self.priority,
            "reason": self.reason,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> State:
        """Read a stored state; anything unreadable gives a fresh state rather than an error.

        Types are checked field by field: a state written by an older Relais, or edited by
        hand, must never break the next step of a person (who may be in distress).
        """
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                return cls()

            def texts(key: str) -> tuple[str, ...]:
                value = data.get(key, ())
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise TypeError(key)
                return tuple(value)

            node = data.get("node")
            misses = data.get("misses", 0)
            if node is not None and not isinstance(node, str):
                raise TypeError("node")
            if not isinstance(misses, int) or isinstance(misses, bool):
                raise TypeError("misses")
            return cls(
                phase=Phase(data.get("phase", "menu")),
                node=node,
                history=texts("history"),
                misses=max(0, min(misses, 100)),
                choices=texts("choices"),
                locale=str(data.get("locale", "fr")),
                started=bool(data.get("started", False)),
                said=texts("said"),
                path=texts("path"),
                priority=bool(data.get("priority", False)),
                reason=str(data.get("reason", "")),
            )
        except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
            return cls()

    def but(self, **changes: Any) -> State:
        return replace(self, **changes)


# --------------------------------------------------------------------------- effects


@dataclass(frozen=True, slots=True)
class Say:
    """A paragraph. ``text`` is the French msgid; ``params`` fill its ``{name}`` fields."""

    text: str
    params: tuple[tuple[str, str], ...] = ()

    def format_with(self, template: str) -> str:
        try:
            return template.format(**dict(self.params)) if self.params else template
        except (KeyError, IndexError, ValueError):
            return template


@dataclass(frozen=True, slots=True)
class Choice:
    number: int
    label: str  # French msgid


@dataclass(frozen=True, slots=True)
class Options:
    """A numbered list the person can answer with a number, a word or a sentence."""

    items: tuple[Choice, ...]
    footer: bool = True  # remind "menu / retour / quelqu'un"


@dataclass(frozen=True, slots=True)
class ShowLink:
    """Show a link with its full address under the label: people should see where it goes
    (an official site) before they tap it."""

    label: str  # French msgid
    url: str


@dataclass(frozen=True, slots=True)
class ShowContact:
    contact: Contact


@dataclass(frozen=True, slots=True)
class HandOver:
    """Ask the router to open (or reprioritise) a ticket for mediators."""

    priority: bool
    reason: str  # "asked" | "not_helped" | "misses" | "distress" | "urgence" | "concern"
    topic: str | None = None
    path: tuple[str, ...] = ()
    said: tuple[str, ...] = ()
    distress: str | None = None  # category, when reason == "distress"
    language: str | None = None  # the language of a distress message the bot does not serve


@dataclass(frozen=True, slots=True)
class End:
    """The person ended the conversation; the router may close an open ticket."""

    reason: str = "stop"


@dataclass(frozen=True, slots=True)
class Forget:
    """The person confirmed "forget me": erase everything stored about them."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A statistics event (no identifier, no text): what was asked and how it went."""

    kind: str  # "entered" | "helped" | "not_helped" | "abandoned" | "distress" | "rated"
    topic: str | None = None
    entry: str | None = None  # first node reached (entry path)
    score: int | None = None  # 1-5 satisfaction, for "rated"


@dataclass(frozen=True, slots=True)
class SetLocale:
    locale: str


@dataclass(frozen=True, slots=True)
class Welcome:
    """First contact: say we are a bot, who runs us and what we keep (filled from config)."""


@dataclass(frozen=True, slots=True)
class Relay:
    """During a handover: pass the person's message to the mediators, say nothing."""

    text: str


Effect = (
    Say | Options | ShowLink | ShowContact | HandOver | End | Forget | Outcome | SetLocale
    | Welcome | Relay
)


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    effects: tuple[Effect, ...]
