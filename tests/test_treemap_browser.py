"""``bot map`` draws every node and every choice, as Chromium lays the page out.

The page is opened in headless Chromium: ``--dump-dom`` gives the elements as the browser
parsed them (every node of the shipped trees is a box, every option an arrow between the right
boxes), and ``--screenshot`` must show the boxes' colours (the page is a picture, not text).
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from bot.dialogue.loader import load
from tests.test_report_browser import run_chromium

REPO = Path(__file__).resolve().parent.parent
MENU_STROKE = (0x2A, 0x6F, 0xDB)  # .node rect stroke in bot/treemap.py
ANSWER_FILL = (0xEE, 0xF6, 0xEE)  # .node.answer rect fill


def _pixels(png: bytes) -> set[tuple[int, int, int]]:
    """The distinct RGB colours of a PNG Chromium wrote (8-bit RGB/RGBA, no interlace)."""
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", data[:10])
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    seen: set[tuple[int, int, int]] = set()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        previous = line
        seen.update(tuple(line[i:i + 3]) for i in range(0, stride, channels))  # type: ignore[misc]
    return seen


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
    colours = _pixels(shot.read_bytes())
    assert MENU_STROKE in colours and ANSWER_FILL in colours


def test_map_of_broken_dialogues_says_where(tmp_path: Path) -> None:
    broken = REPO / "tests" / "dialogue" / "broken" / "goto_missing.yaml"
    made = subprocess.run([sys.executable, "-m", "bot", "map", "--dialogues", str(broken),
                           "-o", str(tmp_path / "m.html")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 1
    assert "goto_missing.yaml:" in made.stderr and "Traceback" not in made.stderr
