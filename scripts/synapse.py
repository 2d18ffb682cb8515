#!/usr/bin/env python3
"""A throw-away Synapse on loopback: the CLI of devtools/synapse.py (see its docstring).

    python scripts/synapse.py start --data DIR [--port N]   # background, prints the URL
    python scripts/synapse.py run --data DIR [--port N]     # foreground until Ctrl-C
    python scripts/synapse.py stop --data DIR
    python scripts/synapse.py register --data DIR USER PASSWORD [--admin]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.synapse import main

if __name__ == "__main__":
    sys.exit(main())
