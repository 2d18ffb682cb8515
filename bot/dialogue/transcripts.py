"""Conversation scripts (``python -m bot test``): what admins expect the bot to do.

A script is a list of steps: what the person says, a regex the bot's reply must match, the node
the conversation must be at. Scripts double as regression tests and as node coverage: the
shipped dialogues are visited entirely by the shipped scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.dialogue.engine import Engine
from bot.dialogue.model import State
from bot.present import render


@dataclass(frozen=True, slots=True)
class Failure:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(slots=True)
class Result:
    scripts: int = 0
    steps: int = 0
    failures: list[Failure] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)


def _steps_of(data: object) -> list[dict[str, object]] | None:
    if isinstance(data, dict) and isinstance(data.get("steps"), list):
        return [s for s in data["steps"] if isinstance(s, dict)]
    return None


def run_file(engine: Engine, path: Path, result: Result) -> None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        result.failures.append(Failure(where, f"cannot read this script file: {exc}"))
        return
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, list):
        result.failures.append(Failure(str(path), "no 'scripts:' list in this file"))
        return
    for number, script in enumerate(scripts, start=1):
        name = script.get("name", f"script {number}") if isinstance(script, dict) else number
        steps = _steps_of(script)
        where = f"{path} [{name}]"
        if steps is None:
            result.failures.append(Failure(where, "this script has no 'steps:' list"))
            continue
        result.scripts += 1
        state = engine.start(State()).state
        for i, step in enumerate(steps, start=1):
            said = str(step.get("say", ""))
            outcome = engine.step(state, said)
            state = outcome.state
            result.steps += 1
            if state.node:
                result.visited.add(state.node)
            message = render(outcome.effects)
            reply = message.body if message else ""
            expect = step.get("expect")
            if expect is not None:
                try:
                    if not re.search(str(expect), reply, re.IGNORECASE):
                        result.failures.append(Failure(
                            f"{where} step {i}",
                            f"after «{said}» the reply does not match /{expect}/; it was:\n"
                            + _indent(reply),
                        ))
                except re.error as exc:
                    result.failures.append(Failure(f"{where} step {i}",
                                                   f"bad regex /{expect}/: {exc}"))
            node = step.get("node")
            if node is not None and state.node != node:
                result.failures.append(Failure(
                    f"{where} step {i}",
                    f"after «{said}» expected node {node}, got {state.node or '(menu)'}"
                    f" [{state.phase.value}]",
                ))
            phase = step.get("phase")
            if phase is not None and state.phase.value != phase:
                result.failures.append(Failure(
                    f"{where} step {i}",
                    f"after «{said}» expected phase {phase}, got {state.phase.value}",
                ))


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


def script_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return out
