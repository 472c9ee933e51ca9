"""Project-wide pytest set-up."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM guards against being
# called from async contexts. The browser tests only drive a live server, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Tests that must never be skipped: a browser test that did not run proves nothing about the pages.
MUST_RUN = ("tests/e2e/", "tests/docs/")


def pytest_runtest_logreport(report):
    """Remember skipped tests that must run (with xdist this runs in the controller for every worker)."""
    if report.skipped and report.nodeid.startswith(MUST_RUN):
        _SKIPPED_MUST_RUN.append(report.nodeid)


_SKIPPED_MUST_RUN = []


def pytest_sessionfinish(session, exitstatus):
    if _SKIPPED_MUST_RUN and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED_MUST_RUN:
        terminalreporter.section("browser tests were skipped: the run fails", red=True)
        for nodeid in _SKIPPED_MUST_RUN:
            terminalreporter.line(nodeid)


def pytest_configure(config):
    from django.conf import settings

    # Tests serve static files from the finders, so they need no `collectstatic` beforehand.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Fixed test keys for personal data (people app): never the keys of a real installation.
    settings.PEOPLE_DATA_KEY = "dGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE"
    settings.PEOPLE_HASH_KEY = "dGVzdC1oYXNoLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE"


@pytest.fixture(autouse=True)
def _fresh_locator():
    """Each test builds its own regions and categories; the process-wide spatial index (with its
        region lineages), the category copies (cases.category_cache, the suggester's) and the suggester's
        loaded model and the points rules must not outlive them: a model trained by one test would pick
    another's category."""
    from civicgrid.cases import category_cache
    from civicgrid.points import earn
    from civicgrid.regions import locator
    from civicgrid.suggest import engine, selectors

    def forget():
        locator.invalidate()
        category_cache.forget()
        engine.forget()
        selectors.forget_categories()
        earn.forget_rules()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _private_attachment_folder(settings, tmp_path):
    """Uploaded and demo photos go to the test's own folder, never into the checkout's var/."""
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Figures cached by one test (the command screen's population panel) must not answer another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
