"""What a person gets from the bot's first step, and the figures that judge it.

Scored on ``Engine.step(State(), text)``: what the person really sees, not an internal score.
The figures follow the product's order of harm: a missed distress message first, then a false
alarm (a mediator's minute), then a wrong topic, then an off-topic message taken for a topic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.dialogue.model import HandOver, Outcome, Phase, State, Step, TopicKind
from bot.understanding.corpus import NONE, Labelled, is_distress

ALARM = "urgence"


class Stepper(Protocol):
    def step(self, state: State, text: str) -> Step: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """The first step, reduced to what is scored."""

    topic: str | None  # the topic entered, if any
    node: str | None
    alarm: bool  # emergency numbers and a priority handover
    concern: bool  # the gentle check-in
    ambiguous: bool  # the bot asked "which one?"
    distress: str | None = None  # the kind of distress the alarm named

    @property
    def predicted(self) -> str:
        if self.alarm:
            return ALARM
        return self.topic or NONE


def read_first_step(engine: Stepper, text: str) -> Reading:
    step = engine.step(State(), text)
    topic: str | None = None
    alarm = False
    category: str | None = None
    for effect in step.effects:
        if isinstance(effect, HandOver) and effect.distress:
            category = effect.distress
        if isinstance(effect, Outcome) and effect.kind == "entered" and topic is None:
            topic = effect.topic
        elif _is_alarm(effect):
            alarm = True
    if topic is None and not alarm and step.state.phase is Phase.CONFIRM_HANDOVER:
        topic = _human_topic(engine)  # "shall I pass you to a person?" is what humain does
    return Reading(
        topic=topic,
        node=step.state.node,
        alarm=alarm,
        concern=step.state.reason == "concern" or _said_concern(step),
        ambiguous=step.state.phase.value == "choose",
        distress=category if alarm else None,
    )


def _human_topic(engine: Stepper) -> str:
    tree = getattr(engine, "tree", None)
    for topic in getattr(tree, "topics", ()):
        if topic.kind is TopicKind.HUMAN:
            return str(topic.id)
    return "humain"


def _is_alarm(effect: object) -> bool:
    if isinstance(effect, Outcome):
        return effect.kind == "distress"
    return isinstance(effect, HandOver) and effect.priority


def _said_concern(step: Step) -> bool:
    from bot.dialogue import texts as T
    from bot.dialogue.model import Say

    return any(isinstance(e, Say) and e.text == T.CONCERN_INTRO for e in step.effects)


def gold(label: str) -> str:
    return ALARM if is_distress(label) else label


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    label: str
    predicted: str
    writer: str
    concern: bool


@dataclass(slots=True)
class Report:
    """Figures over a corpus; ``add`` one reading at a time, then read the properties."""

    total: int = 0
    correct: int = 0
    distress: int = 0
    alarms_on_distress: int = 0
    caught: int = 0  # alarm or gentle check-in
    non_distress: int = 0
    false_alarms: int = 0
    off_topic: int = 0
    off_topic_kept: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)

    def add(self, message: Labelled, reading: Reading) -> None:
        expected, got = gold(message.label), reading.predicted
        self.total += 1
        self.confusion[(expected, got)] += 1
        if expected == got:
            self.correct += 1
        else:
            self.misses.append(Miss(message.text, message.label, got, message.writer,
                                    reading.concern))
        if message.is_distress:
            self.distress += 1
            self.alarms_on_distress += reading.alarm
            self.caught += reading.alarm or reading.concern
        else:
            self.non_distress += 1
            self.false_alarms += reading.alarm
        if message.label == NONE:
            self.off_topic += 1
            self.off_topic_kept += got == NONE

    @property
    def top1(self) -> float:
        return _ratio(self.correct, self.total)

    @property
    def alarm_recall(self) -> float:
        return _ratio(self.alarms_on_distress, self.distress)

    @property
    def caught_recall(self) -> float:
        return _ratio(self.caught, self.distress)

    @property
    def false_alarm_rate(self) -> float:
        return _ratio(self.false_alarms, self.non_distress, empty=0.0)

    @property
    def off_topic_rate(self) -> float:
        return _ratio(self.off_topic_kept, self.off_topic)

    def labels(self) -> list[str]:
        seen = {e for e, _ in self.confusion} | {g for _, g in self.confusion}
        return sorted(seen, key=lambda s: (s in (NONE, ALARM), s))

    def per_label(self) -> list[tuple[str, float, float, float, int]]:
        """(label, precision, recall, F1, support) for every gold or predicted label."""
        rows = []
        for label in self.labels():
            tp = self.confusion[(label, label)]
            predicted = sum(n for (_, g), n in self.confusion.items() if g == label)
            support = sum(n for (e, _), n in self.confusion.items() if e == label)
            p, r = _ratio(tp, predicted, empty=0.0), _ratio(tp, support, empty=0.0)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            rows.append((label, p, r, f1, support))
        return rows

    def merge(self, other: Report) -> None:
        self.total += other.total
        self.correct += other.correct
        self.distress += other.distress
        self.alarms_on_distress += other.alarms_on_distress
        self.caught += other.caught
        self.non_distress += other.non_distress
        self.false_alarms += other.false_alarms
        self.off_topic += other.off_topic
        self.off_topic_kept += other.off_topic_kept
        self.confusion.update(other.confusion)
        self.misses.extend(other.misses)

    def summary(self) -> str:
        return (
            f"top-1 {self.top1:.3f} ({self.correct}/{self.total}); "
            f"distress alarm {self.alarm_recall:.3f}, caught {self.caught_recall:.3f} "
            f"({self.caught}/{self.distress}); false alarms {self.false_alarms}/"
            f"{self.non_distress} ({self.false_alarm_rate:.1%}); off-topic kept off "
            f"{self.off_topic_rate:.3f} ({self.off_topic_kept}/{self.off_topic})"
        )


def evaluate(engine: Stepper, messages: Iterable[Labelled]) -> Report:
    report = Report()
    for message in messages:
        report.add(message, read_first_step(engine, message.text))
    return report


def _ratio(part: int, whole: int, *, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def format_report(report: Report, *, misses: bool = True) -> str:
    """The ``bot eval`` page: figures, per-label table, confusion, then every miss."""
    lines = [report.summary(), "", f"{'label':<18} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}"]
    for label, p, r, f1, n in report.per_label():
        lines.append(f"{label:<18} {p:6.3f} {r:6.3f} {f1:6.3f} {n:5d}")
    labels = report.labels()
    short = [lab[:6] for lab in labels]
    lines += ["", "confusion (rows: expected, columns: what the bot did)",
              " " * 18 + " ".join(f"{s:>6}" for s in short)]
    for expected in labels:
        cells = " ".join(f"{report.confusion[(expected, g)] or '.':>6}" for g in labels)
        lines.append(f"{expected:<18} {cells}")
    if misses and report.misses:
        lines += ["", f"misses ({len(report.misses)}):"]
        for miss in sorted(report.misses, key=_miss_order):
            gentle = " (gentle check-in)" if miss.concern else ""
            lines.append(f"  [{miss.writer}] {miss.label} -> {miss.predicted}{gentle}: "
                         f"{miss.text}")
    return "\n".join(lines)


def _miss_order(miss: Miss) -> tuple[int, str, str]:
    # missed distress first: the worst failure, the first to read
    return (0 if is_distress(miss.label) else 1 if miss.predicted == ALARM else 2,
            miss.label, miss.text)


def unmet_thresholds(report: Report, *, min_top1: float | None,
                   min_distress_recall: float | None) -> Sequence[str]:
    failed = []
    if min_top1 is not None and report.top1 < min_top1:
        failed.append(f"top-1 {report.top1:.3f} is under {min_top1}")
    if min_distress_recall is not None and report.caught_recall < min_distress_recall:
        failed.append(f"distress caught {report.caught_recall:.3f} is under "
                      f"{min_distress_recall}")
    return failed
