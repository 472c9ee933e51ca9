import pytest
from django.core.cache import cache

# The case tests' small world (a region tree, categories, one user per role and unit).
from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit notifications of whatever happens inside, as after a real commit."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _console_only(settings):
    cache.clear()  # the cached unread counts
    settings.NOTIFICATIONS_CHANNELS = ["console"]
    settings.NOTIFICATIONS_WEBHOOK_URL = ""
