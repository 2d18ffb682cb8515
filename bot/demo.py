"""The demo lives in devtools/demo.py; this name stays until bot/__main__.py imports it there."""

from devtools.demo import chat_over_matrix, run_demo

__all__ = ["chat_over_matrix", "run_demo"]
