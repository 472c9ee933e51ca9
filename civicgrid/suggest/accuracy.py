"""The weekly accuracy of the category suggestions against the cases' final categories (issue 16,
item 5), per category, with a drift hint: the read path of the accuracy page. Every query starts
from SuggestionRecord.objects.restrict(user, "view")."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases.models import Category
from civicgrid.core import clock
from civicgrid.suggest.models import CategoryCorrection, SuggestionRecord

WEEKS = 8
# A week whose accuracy falls this many points below the weeks before it (with enough cases to
# mean something) is flagged as drift.
DRIFT_POINTS = 10
DRIFT_MIN_CASES = 10


@dataclass
class Week:
    start: object
    total: int = 0
    suggested: int = 0
    hits: int = 0
    corrected: int = 0

    @property
    def accuracy(self):
        return round(100 * self.hits / self.suggested, 1) if self.suggested else None


@dataclass
class CategoryRow:
    code: str
    name: str
    weeks: list = field(default_factory=list)
    total: int = 0
    hits: int = 0
    suggested: int = 0
    drift: str = ""

    @property
    def accuracy(self):
        return round(100 * self.hits / self.suggested, 1) if self.suggested else None


@dataclass
class Report:
    weeks: list
    categories: list
    drift: str
    corrections: list
    model_versions: list


def _week_start(moment):
    """The Monday of `moment`'s week (TruncWeek gives a datetime in the current time zone)."""
    local = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
    return local - timedelta(days=local.weekday())


def _drift(weeks, label):
    """A sentence when the last week with enough cases is DRIFT_POINTS below the earlier weeks."""
    usable = [w for w in weeks if w.suggested >= DRIFT_MIN_CASES]
    if len(usable) < 2:
        return ""
    last, earlier = usable[-1], usable[:-1]
    before = 100 * sum(w.hits for w in earlier) / sum(w.suggested for w in earlier)
    drop = before - last.accuracy
    if drop < DRIFT_POINTS:
        return ""
    return _(
        "%(what)s：%(week)s 这周准确率 %(now).1f%%，比此前 %(before).1f%% 低 %(drop).1f 个百分点，模型可能漂移，请检查近期更正并重新训练。"
    ) % {
        "what": label,
        "week": last.start.strftime("%m-%d"),
        "now": last.accuracy,
        "before": before,
        "drop": drop,
    }


def weekly_accuracy(user, weeks=WEEKS):
    today = timezone.localtime(clock.now()).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    records = SuggestionRecord.objects.restrict(user, "view").filter(reported_at__date__gte=first)
    rows = (
        records.annotate(week=TruncWeek("reported_at"))
        .order_by()
        .values("week", "final_code")
        .annotate(
            total=Count("pk"),
            suggested=Count("pk", filter=~Q(suggested_code="")),
            hits=Count("pk", filter=Q(suggested_code=F("final_code"))),
            corrected=Count("pk", filter=Q(corrections__gt=0)),
        )
    )
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    overall = {start: Week(start) for start in starts}
    by_code = {}
    for row in rows:
        start = _week_start(row["week"])
        if start not in overall:
            continue
        code = row["final_code"]
        per = by_code.setdefault(code, {s: Week(s) for s in starts})
        for week in (overall[start], per[start]):
            week.total += row["total"]
            week.suggested += row["suggested"]
            week.hits += row["hits"]
            week.corrected += row["corrected"]
    names = dict(Category.objects.filter(code__in=by_code).values_list("code", "name"))
    categories = []
    for code, per in by_code.items():
        week_list = [per[s] for s in starts]
        item = CategoryRow(code, names.get(code, code), week_list)
        item.total = sum(w.total for w in week_list)
        item.suggested = sum(w.suggested for w in week_list)
        item.hits = sum(w.hits for w in week_list)
        item.drift = _drift(week_list, item.name)
        categories.append(item)
    categories.sort(key=lambda c: (c.accuracy if c.accuracy is not None else 101, -c.total, c.code))
    week_list = [overall[s] for s in starts]
    corrections = list(
        CategoryCorrection.objects.restrict(user, "view")
        .select_related("record__case", "corrected_by")
        .order_by("-corrected_at", "-pk")[:20]
    )
    versions = list(
        records.exclude(model_version="").order_by().values("model_version").annotate(n=Count("pk")).order_by("-n")
    )
    return Report(week_list, categories, _drift(week_list, _("全部类别")), corrections, versions)
