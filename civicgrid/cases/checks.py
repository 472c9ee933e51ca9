"""System checks: a mistyped working-time or case setting is reported when the process starts
(`manage.py check`, runserver, migrate), not by the first report that needs a deadline."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_case_settings(app_configs, **kwargs):
    from civicgrid.cases.deadlines import _parse_limits, light_shares
    from civicgrid.core.worktime import WorkCalendar

    errors = []
    try:
        WorkCalendar(settings.WORK_HOURS, settings.WORK_TIME_ZONE)
    except Exception as exc:
        errors.append(Error(f"WORK_HOURS / WORK_TIME_ZONE: {exc}", id="cases.E001"))
    try:
        _parse_limits(settings.CASES_DEFAULT_LIMITS)
    except ValueError as exc:
        errors.append(
            Error(
                f"CASES_DEFAULT_LIMITS: {exc}", hint="e.g. intake=1h,dispatch=1h,handle=3d,verify=4h", id="cases.E002"
            )
        )
    try:
        light_shares()
    except ValueError as exc:
        errors.append(Error(str(exc), id="cases.E003"))
    for name in (
        "CASES_DUPLICATE_RADIUS_METRES",
        "CASES_RESIDENT_REPORTS_PER_HOUR",
        "CASES_RESIDENT_REPORTS_PER_DAY",
        "CASES_REOPEN_WINDOW_DAYS",
    ):
        if getattr(settings, name) < 0:
            errors.append(Error(f"{name} must not be negative", id="cases.E004"))
    return errors
