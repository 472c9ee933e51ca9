"""The app's settings, each with its default (override in settings.py)."""

from django.conf import settings

DEFAULTS = {
    # A staff award above this many points waits for a second person's approval.
    "POINTS_APPROVAL_THRESHOLD": 50,
    # How far a resident's time-bank balance may go below zero (minutes): a newcomer can be helped first.
    "POINTS_TIMEBANK_CREDIT_MINUTES": 600,
    # Honours: points of a kind earned in one calendar month that make the title.
    "POINTS_HONOUR_THRESHOLDS": {"hongde": 30, "youai": 30, "shanzhi": 30},
    # How many people a community's leaderboard shows.
    "POINTS_BOARD_SIZE": 20,
    # How long a process keeps the earning rules it read (seconds): a rule changed in the admin
    # applies to earnings within this time in every process (at once in the one that saved it).
    "POINTS_RULES_RELOAD_SECONDS": 30,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
