"""The ensemble: the admins' keywords and rules, and the learned classifier, deciding together.

Safety comes in three layers (docs/understanding.md):
(a) the explicit rules of ``bot.dialogue.safety`` raise the alarm at once;
(b) the classifier's distress score raises it too when high, and asks gently when middling;
(c) a rule hit on a message the classifier reads as clearly not distress (a joke, an idiom, a
    technical sense: it has learned laughter and emoji markers) is lowered to the gentle
    check-in, never to silence.
Topics: the classifier's margin for each topic, plus a bonus for the topic the keywords chose;
nothing confident enough means "I can only help with procedures", two close ones mean "which?".
Thresholds were calibrated on leave-one-writer-out decision values of the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.understanding.corpus import NONE
from bot.understanding.signals import laughing, scam
from bot.understanding.train import URGENCE, Models

ALARM_AT = 0.1  # distress margin + ALARM_LEAD x urgence lead that raises the alarm without a rule
GENTLE_AT = -0.9  # distress margin + urgence's lead over the best topic: the gentle check-in
CALM_BELOW = -0.7  # a weak sign under this margin gets the gentle word, not the yes/no offer
FIGURATIVE_BELOW = -0.8  # a rule hit the classifier reads this surely as not distress: gentle
ALARM_LEAD = 0.3  # how much of the topic model's reading of distress the alarm adds
LAUGHING_ALARM_AT = 1.0  # with laughter or joking emoji, only a margin this sure is an alarm
TRUST_WITHIN = 0.5  # keywords naming an answer are trusted unless the classifier is this sure
KEYWORD_BONUS = 0.2  # added to the margin of the topic the keywords chose
OFF_TOPIC_BELOW = -0.5  # best topic margin under this: off-topic
CLOSE_WITHIN = 0.0  # two topics within this margin: ask which one
SCAMS = "arnaques"
GENERIC = frozenset({"identifiants"})  # codes and passwords in general, when no site is named
NOT_SITES = ("email", "equipement", "humain", "arnaques")  # topics that name no site
SCAM_BONUS = 0.5  # a message that reads as a scam goes to the scams topic, whoever it names
NODE_AT = 0.0  # margin of an answer node, among its topic's, that is enough to go straight there
NODE_AHEAD = 0.15  # ... and how far ahead of the next node of the same topic it must be


class Level(Enum):
    ALARM = "alarm"
    GENTLE = "gentle"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Safety:
    level: Level
    score: float
    category: str | None = None  # the classifier's reading of the kind of distress


@dataclass(frozen=True, slots=True)
class TopicChoice:
    topic: str | None
    score: float
    ambiguous: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Understanding:
    models: Models
    _last: list[Any] = field(default_factory=lambda: [None, None, None], compare=False,
                             repr=False)
    _columns: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict,
                                                              compare=False, repr=False)

    def _vector(self, text: str) -> Any:
        """The message's features and its main scores; the last message's are kept (every
        layer asks about the same message)."""
        if self._last[0] != text:
            vector = self.models.model.vector(text)
            self._last[:] = [text, vector, self.models.model.groups["main"].scores(vector)]
        return self._last[1]

    def _scores(self, text: str) -> Any:
        self._vector(text)
        return self._last[2]

    def _of(self, prefix: str) -> tuple[tuple[int, str], ...]:
        if prefix not in self._columns:
            classes = self.models.model.groups["main"].classes
            self._columns[prefix] = tuple((i, c[len(prefix):]) for i, c in enumerate(classes)
                                          if c.startswith(prefix))
        return self._columns[prefix]

    def distress_score(self, text: str) -> float:
        columns = self._of("d:")
        return float(self._scores(text)[columns[0][0]]) if columns else -9.0

    def safety(self, text: str, *, rule_hit: bool) -> Safety:
        """The alarm reads the distress model, plus a part (``ALARM_LEAD``) of how far "urgence"
        leads the topic model's other classes; the gentle tier adds the whole lead (it ranks
        best where nearly every distress message must be caught)."""
        score = self.distress_score(text)
        margins = self.topic_margins(text)
        lead = margins.pop(URGENCE, 0.0) - max(margins.values(), default=0.0)
        alarm = score + ALARM_LEAD * lead
        figurative = alarm < LAUGHING_ALARM_AT and laughing(text)
        if not figurative and ((rule_hit and score >= FIGURATIVE_BELOW) or alarm >= ALARM_AT):
            return Safety(Level.ALARM, score, self.category(text))
        if rule_hit or score + lead >= GENTLE_AT:
            return Safety(Level.GENTLE, score)
        return Safety(Level.NONE, score)

    def reads_as_calm(self, text: str) -> bool:
        """The distress model is sure this is not distress (see ``CALM_BELOW``)."""
        return self.distress_score(text) < CALM_BELOW

    def category(self, text: str) -> str | None:
        columns = self._of("c:")
        if not columns:
            return None
        scores = self._scores(text)
        return max(columns, key=lambda ic: float(scores[ic[0]]))[1]

    def topic_margins(self, text: str) -> dict[str, float]:
        scores = self._scores(text)
        return {name: float(scores[i]) for i, name in self._of("t:")}

    def agrees(self, text: str, topic: str) -> bool:
        """Whether ``topic`` is among the classifier's readings (within ``TRUST_WITHIN`` of its
        best topic): then a precise answer named by the keywords is taken as it is."""
        margins = self.topic_margins(text)
        margins.pop(URGENCE, None)
        best = max(margins.values(), default=0.0)
        return margins.get(topic, -9.0) >= best - TRUST_WITHIN

    def choose(self, text: str, keyword_topic: str | None,
               keyword_close: tuple[str, ...] = ()) -> TopicChoice:
        margins = self.topic_margins(text)
        margins.pop(URGENCE, None)  # distress is the safety layers' to decide
        if keyword_topic is not None:
            margins[keyword_topic] = margins.get(keyword_topic, -1.0) + KEYWORD_BONUS
        for topic in keyword_close:
            margins[topic] = margins.get(topic, -1.0) + KEYWORD_BONUS / 2
        if SCAMS in margins and scam(text):
            margins[SCAMS] += SCAM_BONUS
        ranked = sorted(margins.items(), key=lambda kv: (-kv[1], kv[0]))
        (best, score), runner = ranked[0], ranked[1] if len(ranked) > 1 else (NONE, -9.0)
        sites = [t for t in (keyword_topic, *keyword_close)
                 if t not in (None, best, NONE, *NOT_SITES)
                 and margins.get(t or "", -9.0) >= OFF_TOPIC_BELOW]
        if best in GENERIC and sites and sites[0] is not None:
            # "mot de passe ameli oublié": a password on a named site is that site's question
            return TopicChoice(sites[0], margins[sites[0]])
        if best == NONE or score < OFF_TOPIC_BELOW:
            return TopicChoice(None, score)
        if runner[0] != NONE and runner[1] >= score - CLOSE_WITHIN:
            return TopicChoice(None, score, (best, runner[0]))
        return TopicChoice(best, score)

    def node(self, text: str, topic: str) -> str | None:
        """The answer of ``topic`` a message asks for, when it says enough; else None."""
        group = self.models.model.groups.get(f"nodes:{topic}")
        if group is None:
            return None
        scores = group.scores(self._vector(text))
        ranked = sorted(((float(v), name) for name, v in zip(group.classes, scores,
                                                             strict=True)), reverse=True)
        if not ranked or ranked[0][0] < NODE_AT:
            return None
        if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - NODE_AHEAD:
            return None
        return ranked[0][1]
