"""Shared pytest fixtures: users with roles on a small region tree."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM guards against being
# called from async contexts. The browser tests only drive a live server, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
