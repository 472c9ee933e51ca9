"""The app's settings, each with its default (override in settings.py)."""

from django.conf import settings

DEFAULTS = {
    # The case category (its code) a residents' supervision report of each kind is filed under.
    "COMPOUNDS_SUPERVISION_CATEGORIES": {
        "design": "S08001",
        "quality": "S06001",
        "disturbance": "08001",
        "safety": "S04003",
    },
    # A street's default yearly target of compounds rising a class (Yanji: ten per street a year).
    "COMPOUNDS_DEFAULT_TARGET": 10,
    # How near (metres) a case's point must lie to a compound's building to count as the compound's.
    "COMPOUNDS_CASE_METRES": 150,
    "COMPOUNDS_MAX_FILES": 40,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
