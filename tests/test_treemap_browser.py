"""``bot map`` draws every node and every choice, as Chromium lays the page out.

The page is opened in headless Chromium: ``--dump-dom`` gives the elements as the browser
parsed them (every node of the shipped trees is a box, every option an arrow between the right
boxes), and ``--screenshot`` must show the boxes' colours (the page is a picture, not text).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bot.dialogue.loader import load
from tests.test_report_browser import decode_png, run_chromium

REPO = Path(__file__).resolve().parent.parent
MENU_STROKE = (0x2A, 0x6F, 0xDB)  # .node rect stroke in bot/treemap.py
ANSWER_FILL = (0xEE, 0xF6, 0xEE)  # .node.answer rect fill


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    """The distinct RGB colours of a screenshot (the report test's PNG decoder)."""
    _, _, rows, bpp = decode_png(png)
    return {(row[i], row[i + 1], row[i + 2]) for row in rows for i in range(0, len(row), bpp)}


def test_map_draws_every_node_and_choice(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    made = subprocess.run([sys.executable, "-m", "bot", "map", "-o", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "written to" in made.stdout
    dom = run_chromium(tmp_path, "--dump-dom", out.as_uri()).stdout.decode()
    tree = load(REPO / "dialogues").tree
    drawn = set(re.findall(r'class="node [a-z]+" data-node="([^"]+)"', dom))
    assert {n.key for n in tree.nodes} <= drawn
    arrows = set(re.findall(r'class="edge" data-from="([^"]+)" data-to="([^"]+)"', dom))
    for node in tree.nodes:
        for option in node.options:
            target = tree.resolve(option, node.topic)
            assert (node.key, target) in arrows, (node.key, target)
    assert len(re.findall(r"<section data-topic=", dom)) == len(tree.topics)
    shot = tmp_path / "map.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,900", out.as_uri())
    colours = _colours(shot.read_bytes())
    assert MENU_STROKE in colours and ANSWER_FILL in colours


def test_map_of_broken_dialogues_says_where(tmp_path: Path) -> None:
    broken = REPO / "tests" / "dialogue" / "broken" / "goto_missing.yaml"
    made = subprocess.run([sys.executable, "-m", "bot", "map", "--dialogues", str(broken),
                           "-o", str(tmp_path / "m.html")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 1
    assert "goto_missing.yaml:" in made.stderr and "Traceback" not in made.stderr
