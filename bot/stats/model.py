"""Report values: published figures (small counts masked), lines, histograms, the report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.store.counters import (
    Metric,
    Outcome,
)

DEFAULT_K = 5
BY_CHOICES = ("topic", "day", "week", "month", "outcome", "locale")

OUTCOME_ORDER: tuple[Outcome, ...] = (
    Outcome.ENTERED,
    Outcome.HELPED,
    Outcome.NOT_HELPED,
    Outcome.HANDED_OVER,
    Outcome.CLAIMED,
    Outcome.CLOSED,
    Outcome.ABANDONED,
    Outcome.DISTRESS,
)
OUTCOME_LABELS: Mapping[str, str] = {
    "entered": "Conversations commencées",
    "helped": "Réponse utile",
    "not_helped": "Réponse pas utile",
    "handed_over": "Transmises à un médiateur",
    "claimed": "Prises en charge",
    "closed": "Accompagnements terminés",
    "abandoned": "Abandonnées en cours",
    "distress": "Alertes de détresse",
}
SHORT_LABELS: Mapping[str, str] = {
    "entered": "Conv.",
    "helped": "Utile",
    "not_helped": "Pas utile",
    "handed_over": "Transmises",
    "claimed": "Prises",
    "closed": "Terminées",
    "abandoned": "Abandons",
    "distress": "Détresse",
}
METRIC_LABELS: Mapping[str, str] = {
    Metric.WAIT.value: "Attente avant prise en charge par un médiateur",
    Metric.HANDOVER.value: "Durée d'un accompagnement (prise en charge → fin)",
}
BUCKET_TEXT: Mapping[str, str] = {
    "<1min": "moins d'1 min",
    "1-5min": "1 à 5 min",
    "5-15min": "5 à 15 min",
    "15-60min": "15 min à 1 h",
    "1-4h": "1 h à 4 h",
    ">4h": "plus de 4 h",
}
BY_TITLES: Mapping[str, str] = {
    "topic": "Demandes par thème",
    "day": "Conversations par jour",
    "week": "Conversations par semaine",
    "month": "Conversations par mois",
    "outcome": "Ce qui s'est passé",
    "locale": "Conversations par langue",
}
BY_HEADINGS: Mapping[str, str] = {
    "topic": "Thème",
    "day": "Jour",
    "week": "Semaine",
    "month": "Mois",
    "outcome": "Résultat",
    "locale": "Langue",
}
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_TOPIC = "Sans thème choisi"
COUNT_COLUMN = "count"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Figure:
    """A published number: exact, masked ("<k", value unknown) or a lower bound ("≥ n")."""

    value: int | None  # None when masked
    k: int = DEFAULT_K
    at_least: bool = False

    @property
    def masked(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> int:
        """The published part (0 for a masked cell): what totals and averages may use."""
        return 0 if self.value is None else self.value

    @property
    def text(self) -> str:
        """Exactly what every export shows (no thousands separator)."""
        if self.value is None:
            return f"<{self.k}"
        return f"≥{self.value}" if self.at_least else str(self.value)

    @property
    def pretty(self) -> str:
        """For people: French thousands separator, spaced "≥"."""
        if self.value is None:
            return f"<{self.k}"
        number = f"{self.value:,}".replace(",", "\u202f")
        return f"≥ {number}" if self.at_least else number

    def json_value(self) -> int | str:
        return self.value if self.value is not None and not self.at_least else self.text


def publish(count: int, k: int) -> Figure:
    """The one place where a real count becomes what may be shown."""
    if 0 < count < k:
        return Figure(None, k)
    return Figure(count, k)


def total_of(figures: Iterable[Figure], k: int) -> Figure:
    """Sum of published cells; "≥" when masked cells were left out."""
    items = list(figures)
    masked = sum(1 for f in items if f.masked)
    # each masked cell holds at least 1: a tighter bound that everyone could work out anyway
    return Figure(
        sum(f.shown for f in items) + masked,
        k,
        at_least=masked > 0 or any(f.at_least for f in items),
    )


@dataclass(frozen=True, slots=True)
class Line:
    key: str  # "caf", "2026-05-04", "2026-W19", "2026-05", "helped", "fr"
    label: str  # for people, in French
    cells: tuple[Figure, ...]  # one per Report.columns


@dataclass(frozen=True, slots=True)
class Histogram:
    metric: str
    label: str
    buckets: tuple[tuple[str, Figure], ...]  # (bucket key, figure) in BUCKET_LABELS order


@dataclass(frozen=True, slots=True)
class Report:
    start: date
    end: date
    by: str
    k: int
    columns: tuple[str, ...]  # outcome values, or ("count",) when by == "outcome"
    lines: tuple[Line, ...]
    totals: tuple[Figure, ...]  # per column; empty when by == "outcome" (a sum is meaningless)
    satisfaction: tuple[tuple[int, Figure], ...]  # score 1..5
    satisfaction_total: Figure
    satisfaction_mean: float | None  # over the published answers only
    histograms: tuple[Histogram, ...]

    @property
    def column_labels(self) -> tuple[str, ...]:
        return tuple(OUTCOME_LABELS.get(c, "Nombre") for c in self.columns)

    def outcome_totals(self) -> dict[str, Figure]:
        """The total per outcome, whatever the breakdown."""
        if self.by == "outcome":
            return {line.key: line.cells[0] for line in self.lines}
        return dict(zip(self.columns, self.totals, strict=True))

    def main_values(self) -> list[tuple[Line, Figure]]:
        """The figure charted per line: conversations started (or the count per outcome)."""
        index = 0 if self.by == "outcome" else self.columns.index(Outcome.ENTERED.value)
        return [(line, line.cells[index]) for line in self.lines]


