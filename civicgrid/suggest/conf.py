"""The app's settings, each with its default (override in settings.py or the environment there)."""

import os
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"


def get(name):
    """settings.NAME, else the environment's NAME (the two file paths), else the default."""
    if hasattr(settings, name):
        return getattr(settings, name)
    if name in PATHS and os.environ.get(name):
        return Path(os.environ[name])
    return DEFAULTS[name]


PATHS = {"SUGGEST_TRAIN_DIR", "SUGGEST_HELDOUT_FILE"}


DEFAULTS = {
    # the training corpus (<minor code>.txt, one text a line) and the held-out set
    "SUGGEST_TRAIN_DIR": DATA_DIR / "train",
    "SUGGEST_HELDOUT_FILE": DATA_DIR / "heldout.tsv",
    # how often a process checks which model version is active (hot swap), in seconds
    "SUGGEST_RELOAD_SECONDS": 10,
    # a suggestion at least this sure is pre-selected on the forms and applied to Open311 requests
    "SUGGEST_PRESELECT_SCORE": 0.5,
    # the most recent closed cases a training reads
    "SUGGEST_MAX_CASES": 50_000,
    "SUGGEST_SEED": 2026,
}
