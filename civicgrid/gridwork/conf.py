"""The app's settings, each with its default (override in settings.py; docs/configuration.md)."""

from django.conf import settings

DEFAULTS = {
    # 每日巡格 2 小时: the day's norm of patrol time, in seconds.
    "GRIDWORK_DAILY_PATROL_SECONDS": 7200,
    # Coverage: the grid's area within this many metres of the track counts as passed.
    "GRIDWORK_COVERAGE_METRES": 30,
    # Track uploads: the most points one batch may carry; a gap longer than this many seconds
    # between two points is a pause (not counted as patrol time).
    "GRIDWORK_BATCH_MAX": 200,
    "GRIDWORK_PAUSE_SECONDS": 300,
    # A point may be stamped this far in the future (the phone's clock runs ahead a little).
    "GRIDWORK_CLOCK_SKEW_SECONDS": 120,
    # The day's job ends patrols left open longer than this many hours.
    "GRIDWORK_PATROL_MAX_HOURS": 12,
    # A supervisor's live map counts a patrol as live while its last point is this fresh (seconds).
    "GRIDWORK_LIVE_SECONDS": 600,
    # The patrol page asks for the position at least this often (besides the browser's own updates).
    "GRIDWORK_POSITION_SECONDS": 10,
    "GRIDWORK_TEXT_MAX": 2000,
    "GRIDWORK_TASK_MAX_FIELDS": 30,
    "GRIDWORK_TASK_MAX_TARGETS": 20000,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
