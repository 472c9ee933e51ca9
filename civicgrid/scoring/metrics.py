"""What earns points: one `Metric` per kind of source, with the defaults the data migration seeds
into `ScoreRule` rows (which staff then edit). A metric's points are `rule.points × quantity`
(quantity: hours on patrol, the share of the grid covered, one visit…), never more than the rule's
monthly cap for one subject (a negative rule is never capped)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

WORKER = "worker"
DEPARTMENT = "department"


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    subject: str
    points: Decimal
    unit: str
    cap: Decimal | None = None
    order: int = 100


METRICS = (
    Metric("patrol_time", _("巡格时长"), WORKER, Decimal("2"), _("每小时"), Decimal("100"), 10),
    Metric("patrol_coverage", _("巡格覆盖率"), WORKER, Decimal("2"), _("每次巡格×覆盖率"), Decimal("40"), 20),
    Metric("patrol_checkin", _("重点部位打卡"), WORKER, Decimal("0.5"), _("每次打卡"), Decimal("20"), 25),
    Metric("case_found", _("发现上报问题"), WORKER, Decimal("3"), _("每件（网格员随手拍）"), Decimal("60"), 30),
    Metric("case_on_time", _("按期办结"), WORKER, Decimal("5"), _("每件（网格处置、按期结案）"), None, 40),
    Metric("case_late", _("超期结案"), WORKER, Decimal("-2"), _("每件"), None, 45),
    Metric("visit", _("走访记录"), WORKER, Decimal("1"), _("每次"), Decimal("60"), 50),
    Metric("visit_planned", _("按计划走访"), WORKER, Decimal("1"), _("每次（走访计划内）"), Decimal("30"), 55),
    Metric("house_check", _("入户核查"), WORKER, Decimal("0.5"), _("每户"), Decimal("30"), 60),
    Metric("task_form", _("摸排按时填报"), WORKER, Decimal("1"), _("每个目标"), Decimal("60"), 70),
    Metric("task_form_late", _("摸排逾期填报"), WORKER, Decimal("0.3"), _("每个目标"), Decimal("20"), 75),
    Metric("rating_good", _("居民满意评价"), WORKER, Decimal("2"), _("每次"), None, 80),
    Metric("rating_bad", _("居民不满意评价"), WORKER, Decimal("-3"), _("每次"), None, 85),
    Metric("dept_signed_on_time", _("按时签收报到"), DEPARTMENT, Decimal("2"), _("每件"), None, 110),
    Metric("dept_signed_late", _("超时签收"), DEPARTMENT, Decimal("0"), _("每件"), None, 115),
    Metric("dept_handled_on_time", _("按时处置反馈"), DEPARTMENT, Decimal("5"), _("每件"), None, 120),
    Metric("dept_handled_late", _("超时处置反馈"), DEPARTMENT, Decimal("-3"), _("每件"), None, 125),
    Metric("dept_rating_good", _("居民满意评价"), DEPARTMENT, Decimal("1"), _("每次"), None, 130),
    Metric("dept_rating_bad", _("居民不满意评价"), DEPARTMENT, Decimal("-2"), _("每次"), None, 135),
)

BY_CODE = {m.code: m for m in METRICS}
CHOICES = [(m.code, m.label) for m in METRICS]
WORKER_METRICS = [m for m in METRICS if m.subject == WORKER]
DEPARTMENT_METRICS = [m for m in METRICS if m.subject == DEPARTMENT]
