"""Suggest tests reuse the cases app's small world and train on a small corpus of their own
(tests/fixtures/train), never on the shipped corpus (so they do not change when it grows)."""

from pathlib import Path

import pytest

from civicgrid.cases.tests.conftest import _fast_and_unlimited, point_in, report, world  # noqa: F401
from civicgrid.suggest import engine, selectors

FIXTURE_TRAIN = Path(__file__).resolve().parent / "fixtures" / "train"


@pytest.fixture(autouse=True)
def _fixture_corpus(settings):
    settings.SUGGEST_TRAIN_DIR = FIXTURE_TRAIN
    settings.SUGGEST_RELOAD_SECONDS = 0
    engine.forget()
    selectors.forget_categories()
    yield
    engine.forget()
    selectors.forget_categories()


@pytest.fixture
def trained(world):  # noqa: F811
    from civicgrid.suggest import actions

    return actions.train_model()
