"""The actions take "now" from one clock (civicgrid.core.clock), so moving it moves every action."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from civicgrid.cases import actions
from civicgrid.cases.models import EventType
from civicgrid.cases.tests.conftest import report
from civicgrid.core import clock

SH = ZoneInfo("Asia/Shanghai")


def test_no_action_module_reads_the_time_itself():
    package = Path(actions.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) > 5
    for path in modules:
        source = path.read_text(encoding="utf-8")
        for call in ("timezone.now(", "datetime.now(", "time.time("):
            assert call not in source, f"{path.name} calls {call}: use clock.now()"


def test_moving_the_clock_moves_every_step(world, monkeypatch):
    moment = datetime(2026, 3, 16, 9, 0, tzinfo=SH)
    monkeypatch.setattr(clock, "now", lambda: moment)
    case = report(world)
    assert case.reported_at == moment
    later = datetime(2026, 3, 16, 10, 30, tzinfo=SH)
    monkeypatch.setattr(clock, "now", lambda: later)
    case = actions.accept_case(case, world.people.community, version=case.version)
    assert case.accepted_at == later
    assert [(e.type, e.created_at) for e in case.events.order_by("seq")] == [
        (EventType.REPORTED, moment),
        (EventType.ACCEPTED, later),
    ]
