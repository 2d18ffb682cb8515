"""What loading the dialogues gives: the tree, and every problem with its place and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.dialogue.model import Tree, Where


class Severity(StrEnum):
    """An error stops ``bot check`` and a reload; a warning (a long sentence…) only informs."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Loaded:
    """The tree as far as it could be read, and everything found on the way: the bot runs
    only an ``ok`` tree, and a reload keeps the old one otherwise."""

    tree: Tree
    problems: tuple[Problem, ...]
    snippets: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing an admin must fix (or may improve), where it is, and how."""

    where: Where
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity.value}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text
