"""Build step that pyproject.toml cannot say: ship the default dialogues and catalogs in the wheel.

Everything else about the package is in pyproject.toml. When a wheel is built, `build_py` copies
``dialogues/`` (trees and ``corpus/*.tsv``) and the ``.po`` files of ``locales/`` into the
package as ``bot/_data/``, and compiles each ``.po`` to its ``.mo`` with Babel (fuzzy entries
left out, as ``scripts/catalogs.py compile`` does): the ``.mo`` files are not in git, so a wheel
built from a fresh clone still has them. The folders stay where admins edit them; an editable
install (``pip install -e .``) copies nothing and ``bot.resources`` reads the clone directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = ("bot", "_data")  # where the copies go inside the package
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.mo", "*.pot")


def _compile(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name, abort_invalid=True)
    with mo.open("wb") as out:
        write_mo(out, catalog, use_fuzzy=False)


class BuildWithData(build_py):
    """`build_py`, then the default dialogues and compiled catalogs under bot/_data/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads dialogues/ and locales/ from the clone
        target = Path(self.build_lib, *DATA)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "dialogues", target / "dialogues", ignore=SKIP)
        shutil.copytree(ROOT / "locales", target / "locales", ignore=SKIP)
        pos = sorted((target / "locales").glob("*/LC_MESSAGES/*.po"))
        if not pos:
            raise SystemExit("no .po files under locales/: nothing to ship as catalogs")
        for po in pos:
            _compile(po, po.with_suffix(".mo"))


setup(cmdclass={"build_py": BuildWithData})
