"""The size limits of bot/ (issue 11): no module over 420 lines, no function over 60 lines.

A newcomer reads a module or a function at once only if it stays small; ruff checks the
complexity (C901), this checks the lengths. ``python -m devtools.house_sizes`` lists what is
over; ``tests/test_house_sizes.py`` fails on it.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

MAX_MODULE_LINES = 420
MAX_FUNCTION_LINES = 60
BOT = Path(__file__).resolve().parent.parent / "bot"


@dataclass(frozen=True, slots=True)
class Oversized:
    path: str
    name: str  # "" for the module itself
    lines: int
    limit: int

    def __str__(self) -> str:
        what = f"{self.path}:{self.name}" if self.name else self.path
        return f"{what}: {self.lines} lines (limit {self.limit})"


def _functions(tree: ast.AST) -> list[tuple[str, int]]:
    """(qualified name, length in lines) of every function and method, decorators included."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.append((prefix + child.name, (child.end_lineno or first) - first + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def oversized(root: Path = BOT) -> list[Oversized]:
    out: list[Oversized] = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent).as_posix()
        count = len(text.splitlines())
        if count > MAX_MODULE_LINES:
            out.append(Oversized(rel, "", count, MAX_MODULE_LINES))
        for name, length in _functions(ast.parse(text, filename=rel)):
            if length > MAX_FUNCTION_LINES:
                out.append(Oversized(rel, name, length, MAX_FUNCTION_LINES))
    return out


def main() -> int:
    found = oversized()
    for item in found:
        print(item)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
