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


def _serialise_live_server_on_shared_sqlite():
    """With an in-memory SQLite test database Django hands the live server the test's one connection,
    and every request thread uses it. Two requests at once (a page uploading two photos in parallel)
    then fail with "cannot start a transaction within a transaction". On that database the live
    server runs one application call at a time; the connections themselves stay concurrent, so a
    browser's idle keep-alive connection never holds up another. PostgreSQL runs are unchanged."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneCallAtATimeOnSharedSQLite(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)
            lock = threading.Lock()

            def serialised(environ, start_response):
                with lock:
                    return application(environ, start_response)

            return super().set_app(serialised)

    LiveServerThread.server_class = OneCallAtATimeOnSharedSQLite


def pytest_configure(config):
    from django.conf import settings

    _serialise_live_server_on_shared_sqlite()

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
