"""Helpers shared by the tests (import them as ``from tests.support.outlet import FakeOutlet``).

- ``outlet``: a fake transport for the router and the sender, in the spirit of httpx's
  ``MockTransport`` (one handler function decides what each send does), no homeserver.
"""
