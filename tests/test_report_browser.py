"""The HTML report really draws its charts: opened in headless Chromium, measured in pixels.

A file that merely exists proves nothing; here Chromium lays the page out, ``--dump-dom`` gives
the bars' values as the browser parsed them, and ``--screenshot`` gives the pixels, decoded with
zlib + struct (no new dependency): the bar of the largest count must be the widest, in the
proportions of the counts, and a masked count must be drawn as a pale stub.

Chromium is required (Debian packages chromium + chromium-driver, installed by
``python scripts/dev.py``); when it is missing the test fails and says so.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot import stats
from bot.store import counters as c
from bot.store import open_db

DAY = date(2026, 5, 4)
ENTERED = {"caf": 40, "ameli": 20, "ants": 10, "impots": 3}  # impots: masked (k = 5)
TITLES = {"caf": "La Caf", "ameli": "Ameli", "ants": "ANTS", "impots": "Impôts"}
BAR = (0x2A, 0x6F, 0xDB)  # svg .bar fill (--bar) in bot/stats/html.py
MASKED = (0xC9, 0xCB, 0xD6)  # svg .bar.masked fill (--masked)


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.fail("chromium is missing: run 'python scripts/dev.py' (Debian packages chromium and "
                "chromium-driver); this test needs a real browser", pytrace=False)


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=90, check=False)


@pytest.fixture
async def report_file(tmp_path: Path) -> Path:
    db = await open_db(tmp_path / "report.sqlite3")
    try:
        for topic, n in ENTERED.items():
            await c.increment(db, DAY, "entered", topic=topic, locale="fr", by=n)
        await c.increment(db, DAY, "helped", topic="caf", locale="fr", by=30)
        await c.increment(db, DAY, "handed_over", topic="caf", locale="fr", by=6)
        for score, n in ((5, 12), (4, 6), (2, 1)):
            for _ in range(n):
                await c.record_satisfaction(db, DAY, score)
        report = await stats.report(db, DAY, DAY, "topic", k=5, titles=TITLES)
    finally:
        await db.close()
    path = tmp_path / "rapport.html"
    path.write_text(stats.to_html(report), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- PNG decoding


def decode_png(data: bytes) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of raw pixel bytes, bytes per pixel) of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = prev[x]
            corner = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def longest_run(row: bytes, bpp: int, colour: tuple[int, int, int], tol: int = 6) -> int:
    best = run = 0
    for x in range(0, len(row), bpp):
        r, g, b = row[x], row[x + 1], row[x + 2]
        if abs(r - colour[0]) <= tol and abs(g - colour[1]) <= tol and abs(b - colour[2]) <= tol:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def bands(rows: list[bytes], bpp: int, colour: tuple[int, int, int]) -> Iterator[tuple[int, int]]:
    """(top row, width in px at the band's middle row) of each horizontal bar of `colour`."""
    runs = [longest_run(row, bpp, colour) for row in rows]
    y = 0
    while y < len(runs):
        if runs[y] >= 2:
            top = y
            while y < len(runs) and runs[y] >= 2:
                y += 1
            if y - top >= 6:  # a bar, not a glyph or a border line
                yield top, runs[(top + y) // 2]
        y += 1


# --------------------------------------------------------------------------- the test


def test_report_charts_render_with_the_right_values(report_file: Path, tmp_path: Path) -> None:
    url = report_file.as_uri()

    dom = run_chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    page = dom.stdout.decode("utf-8")
    assert "<svg" in page and 'id="chart-main"' in page, page[:500]
    main = page[page.index('id="chart-main"'):page.index("</svg>", page.index('id="chart-main"'))]
    drawn = [(html.unescape(label), html.unescape(value)) for label, value in re.findall(
        r'<rect[^>]*data-label="([^"]*)"[^>]*data-value="([^"]*)"', main)]
    assert drawn == [("La Caf", "40"), ("Ameli", "20"), ("ANTS", "10"), ("Impôts", "<5")], drawn
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([0-9.]+)"', main)]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[1] == pytest.approx(2 * widths[2])
    satisfaction = page[page.index('id="chart-satisfaction"'):]
    sat = dict(re.findall(r'data-label="(\d) sur 5"[^>]*data-value="([^"]*)"', satisfaction))
    assert sat == {"1": "0", "2": "&lt;5", "3": "0", "4": "6", "5": "12"}, sat

    shot = tmp_path / "rapport.png"
    result = run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", url)
    assert result.returncode == 0 and shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    width, height, rows, bpp = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 2000)

    blue = list(bands(rows, bpp, BAR))
    pale = list(bands(rows, bpp, MASKED))
    assert len(blue) >= 3, f"no bars drawn? bands found: {blue}"
    (y_caf, w_caf), (y_ameli, w_ameli), (y_ants, w_ants) = blue[:3]
    assert y_caf < y_ameli < y_ants
    # the largest count is the widest bar, in the proportions of the counts (40 : 20 : 10)
    assert w_caf > w_ameli > w_ants > 10, blue[:3]
    assert w_caf / w_ameli == pytest.approx(2, rel=0.06), blue[:3]
    assert w_ameli / w_ants == pytest.approx(2, rel=0.1), blue[:3]
    assert w_caf > 300, "the chart is drawn far smaller than the page allows"
    # the masked count (3, shown "<5") is a pale stub of length 4/40, right under ANTS
    stub = next(((y, w) for y, w in pale if y > y_ants), None)
    assert stub is not None, f"no masked bar drawn: {pale}"
    assert stub[0] - y_ants < 3 * (y_ameli - y_caf), (stub, blue[:3])
    assert stub[1] == pytest.approx(w_caf * 4 / 40, rel=0.25), (stub, w_caf)
