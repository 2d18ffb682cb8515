"""``bot chat --lang``: admins read what people read, in each language, and the switch works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _chat(*args: str, stdin: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "bot", "chat", *args], input=stdin, text=True,
                          capture_output=True, cwd=REPO, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_english_replies() -> None:
    out = _chat("--lang", "en", stdin="caf\n")
    assert "I am a robot" in out and "Caf" in out
    assert "Je suis un robot" not in out


def test_arabic_replies_then_a_switch_to_french() -> None:
    out = _chat("--lang", "ar", stdin="caf\nlangue\n1\n")
    arabic = sum(1 for ch in out if "\u0600" <= ch <= "\u06ff")
    assert arabic > 50  # the welcome and the menu in Arabic script
    assert "Français" in out  # the language list
    tail = out.rsplit("vous>", 1)[0].rsplit("vous>", 1)[-1]
    assert "français" in tail.lower()  # confirmed in French after choosing 1


def test_french_by_default() -> None:
    out = _chat(stdin="caf\n")
    assert "Je peux vous aider pour la Caf" in out
