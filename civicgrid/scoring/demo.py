"""Demo scores. Scores are written by the listeners as the earlier seeders play the demo through
the real actions (the cases seeder's reports, closures and ratings; grid work's patrols, visits and
task forms), so this seeder usually only reports what is there. When the demo's cases were loaded
before scoring was installed (no case-sourced entry at all), it replays their timeline rows through
the scoring listeners — idempotent, and never through `publish` (other apps' rollups already
counted them). Grid work is scored only through its events: its rows are not read here."""

from civicgrid.cases.events import for_row
from civicgrid.cases.models import CaseEvent, EventType
from civicgrid.scoring import listeners
from civicgrid.scoring.models import Kind, MonthlyScore, ScoreEntry

REPLAY = {
    EventType.REPORTED: listeners.case_reported,
    EventType.SIGNED: listeners.case_signed,
    EventType.FED_BACK: listeners.case_fed_back,
    EventType.CLOSED: listeners.case_closed,
    EventType.EVALUATED: listeners.case_evaluated,
}
MAX_REPLAY = 50_000


def replay_cases(region_code=""):
    rows = CaseEvent.objects.filter(type__in=list(REPLAY)).select_related("case").order_by("created_at", "pk")
    if region_code:
        rows = rows.filter(case__region_code__startswith=region_code)
    replayed = 0
    for row in rows[:MAX_REPLAY].iterator(chunk_size=1000):
        REPLAY[row.type](for_row(row.case, row))
        replayed += 1
    return replayed


def seed_demo(run):
    district = run.made.get("district")
    code = district.code if district is not None else ""
    replayed = 0
    if not ScoreEntry.objects.filter(source__startswith="cases.").exists():
        replayed = replay_cases(code)
    entries = ScoreEntry.objects.filter(region_code__startswith=code)
    workers = MonthlyScore.objects.filter(kind=Kind.WORKER, region_code__startswith=code).values("user_id").distinct()
    return f"scoring: {entries.count()} score entries, {workers.count()} grid workers scored" + (
        f" ({replayed} case events replayed)" if replayed else ""
    )
