"""The wheel: a `relais` console entry point, the default dialogues and the compiled catalogs.

Built the way `pipx install .` builds it (pip, isolated build environment from PyPI), from a copy
of the tree without any `.mo` file, as a fresh clone is: the catalogs must be compiled by the
build itself (setup.py). Then installed into a folder and asked where its defaults are.
"""

from __future__ import annotations

import gettext
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import resources

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "babel.cfg",
           "bot", "dialogues", "locales")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "_data", ".*")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=IGNORE)
        else:
            shutil.copy2(ROOT / name, src / name)
    assert not list(src.rglob("*.mo")), "the copy should look like a fresh clone"
    out = work / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
         "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list(out.glob("relais-*.whl"))
    assert len(wheels) == 1, wheels
    yield wheels[0], work


def test_wheel_has_the_console_entry_point(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
        entry_points = zf.read(name).decode()
    section = entry_points.split("[console_scripts]", 1)[1].split("[", 1)[0]
    assert "relais = bot.__main__:main" in section


def test_wheel_ships_the_default_dialogues_and_compiled_catalogs(
        built: tuple[Path, Path]) -> None:
    wheel, _ = built
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        data = "bot/_data/"
        for tree in sorted((ROOT / "dialogues").glob("*.yaml")):
            assert f"{data}dialogues/{tree.name}" in names
        corpus = sorted((ROOT / "dialogues" / "corpus").glob("*.tsv"))
        assert corpus
        for tsv in corpus:
            assert f"{data}dialogues/corpus/{tsv.name}" in names
        pos = sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))
        assert {p.parent.parent.name for p in pos} >= {"fr", "en", "ar"}
        for po in pos:
            rel = po.relative_to(ROOT / "locales").as_posix()
            assert f"{data}locales/{rel}" in names
            mo = f"{data}locales/{rel[:-3]}.mo"
            assert mo in names
            catalog = gettext.GNUTranslations(io.BytesIO(zf.read(mo)))
            if po.parent.parent.name == "en":
                assert len(catalog._catalog) > 10  # type: ignore[attr-defined]
        assert "bot/resources.py" in names
        assert "bot/matrix/secret_storage.py" in names
        assert not [n for n in names if n.startswith(("tests/", "dialogues/", "locales/"))]


def test_installed_wheel_finds_its_defaults(built: tuple[Path, Path]) -> None:
    wheel, work = built
    target = work / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
         "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    script = target / "bin" / "relais"
    assert script.exists() and "bot.__main__" in script.read_text()
    code = ("import bot, bot.resources as r; print(bot.__file__); print(r.installed()); "
            "print(r.default_dialogues()); print(r.default_locales())")
    env = {**os.environ, "PYTHONPATH": str(target)}
    shown = subprocess.run([sys.executable, "-c", code], cwd=work, env=env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    package, installed, dialogues, locales = shown.stdout.split("\n")[:4]
    assert Path(package).is_relative_to(target)
    assert installed == "True"
    assert Path(dialogues).is_relative_to(target) and (Path(dialogues) / "caf.yaml").is_file()
    assert (Path(locales) / "en" / "LC_MESSAGES" / "messages.mo").is_file()


def test_a_clone_uses_its_own_folders() -> None:
    assert not resources.installed()
    assert resources.default_dialogues() == ROOT / "dialogues"
    assert resources.default_locales() == ROOT / "locales"
