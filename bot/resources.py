"""Where the default dialogues and translation catalogs are, from a clone or an installed wheel.

In a clone (or an editable install) they are ``dialogues/`` and ``locales/`` next to ``bot/``,
the folders admins and translators edit. A wheel carries copies under ``bot/_data/``, with the
``.mo`` files compiled at build time (see ``setup.py``). The clone wins when both exist.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_CLONE = PACKAGE.parent
_BUNDLED = PACKAGE / "_data"


def _is_clone(root: Path) -> bool:
    # pyproject.toml tells a clone from a site-packages folder that happens to hold "dialogues"
    return (root / "pyproject.toml").is_file() and (root / "dialogues").is_dir()


def data_root() -> Path:
    """The folder holding ``dialogues/`` and ``locales/``: the clone, else the wheel's copies."""
    return _CLONE if _is_clone(_CLONE) else _BUNDLED


def default_dialogues() -> Path:
    """The default dialogue trees (``*.yaml`` and ``corpus/*.tsv``)."""
    return data_root() / "dialogues"


def default_locales() -> Path:
    """The default catalogs: ``<lang>/LC_MESSAGES/<domain>.po`` and their compiled ``.mo``."""
    return data_root() / "locales"


def installed() -> bool:
    """True when running from an installed wheel rather than a clone."""
    return data_root() == _BUNDLED
