"""Analytics of grassroots needs (诉求分析) for one region node:

- hot topics: the hot words (civicgrid/dashboard/hotwords.py: problems, not places) of the case titles/descriptions and board comments of the last
  `WINDOW_DAYS` days against the window before, with the terms rising and falling most;
- categories by season (the last 12 months, from the day rollups) and by area (child regions);
- the needs profile (诉求画像) of the node's residents: per major category, their own reports
  (public board posts), "me too" reactions and board comments of the last 90 days.

Text analysis reads at most TEXT_SAMPLE recent texts per window, so its cost is bounded whatever
the number of cases; the result is kept in NeedsSnapshot and refreshed by the periodic job.
"""

import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from civicgrid.core import background
from civicgrid.core.scoping import subtree_q
from civicgrid.dashboard import hotwords
from civicgrid.dashboard.models import DayRollup, NeedsSnapshot

WINDOW_DAYS = 30
TEXT_SAMPLE = 3000
PROFILE_DAYS = 90
TOP_TERMS = 30
SEASON_OF_MONTH = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}
SEASONS = ("spring", "summer", "autumn", "winter")


def _places(node):
    """Names of places a resident may mention: every region of the tree and the compounds below the node."""
    from civicgrid.people.selectors import compound_names
    from civicgrid.regions.models import Region

    return hotwords.place_words([*Region.objects.values_list("name", flat=True), *compound_names(node.code)])


def _texts(node, start, end):
    from civicgrid.cases.models import BoardComment, Case

    scope = subtree_q("region_code", [node.code])
    cases = (
        Case.objects.filter(scope, reported_at__gte=start, reported_at__lt=end)
        .order_by("-reported_at")
        .values_list("title", "description")[:TEXT_SAMPLE]
    )
    comments = (
        BoardComment.objects.filter(subtree_q("case__region_code", [node.code]), is_hidden=False)
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by("-created_at")
        .values_list("text", flat=True)[:TEXT_SAMPLE]
    )
    return [f"{title} {description}" for title, description in cases] + list(comments)


def hot_topics(node, now):
    places = _places(node)
    current = hotwords.count_terms(_texts(node, now - timedelta(days=WINDOW_DAYS), now), places)
    previous = hotwords.count_terms(
        _texts(node, now - timedelta(days=2 * WINDOW_DAYS), now - timedelta(days=WINDOW_DAYS)), places
    )
    top = [
        {"term": term, "count": n, "previous": previous.get(term, 0), "change": n - previous.get(term, 0)}
        for term, n in current.most_common(TOP_TERMS)
    ]
    changes = {term: current.get(term, 0) - previous.get(term, 0) for term in set(current) | set(previous)}
    rising = sorted((t for t in changes if changes[t] > 0), key=lambda t: (-changes[t], t))[:10]
    falling = sorted((t for t in changes if changes[t] < 0), key=lambda t: (changes[t], t))[:10]
    return {
        "top": top,
        "rising": [{"term": t, "change": changes[t]} for t in rising],
        "falling": [{"term": t, "change": changes[t]} for t in falling],
    }


def _category_names():
    from civicgrid.cases.models import Category

    return dict(Category.objects.filter(parent__isnull=True).values_list("pk", "name"))


def by_season(node, today):
    names = _category_names()
    rows = (
        DayRollup.objects.filter(region_code=node.code, day__gt=today - timedelta(days=365), day__lte=today)
        .values("day", "category_id")
        .annotate(n=Sum("received"))
        .order_by()
    )
    seasons = list(SEASONS)
    table = {}
    for row in rows:
        if row["n"]:
            key = names.get(row["category_id"], "?")
            table.setdefault(key, dict.fromkeys(seasons, 0))[SEASON_OF_MONTH[row["day"].month]] += row["n"]
    categories = sorted(table, key=lambda k: -sum(table[k].values()))[:8]
    return {"seasons": seasons, "series": [{"name": c, "data": [table[c][s] for s in seasons]} for c in categories]}


def by_area(node, today):
    from civicgrid.dashboard.figures import children

    names = _category_names()
    kids = children(node)
    rows = (
        DayRollup.objects.filter(
            region_code__in=[k.code for k in kids], day__gt=today - timedelta(days=WINDOW_DAYS), day__lte=today
        )
        .values("region_code", "category_id")
        .annotate(n=Sum("received"))
        .order_by()
    )
    totals = Counter()
    cells = Counter()
    for row in rows:
        totals[row["category_id"]] += row["n"] or 0
        cells[(row["region_code"], row["category_id"])] += row["n"] or 0
    top = [c for c, n in totals.most_common(6) if n]
    return {
        "areas": [k.name for k in kids],
        "series": [{"name": names.get(c, "?"), "data": [cells[(k.code, c)] for k in kids]} for c in top],
    }


def profile(node, now):
    """Per major category: residents' board posts, "me too" and comments in the last 90 days."""
    from civicgrid.cases.models import BoardComment, BoardReaction, Case, Source

    since = now - timedelta(days=PROFILE_DAYS)
    names = _category_names()
    major = Coalesce("case__category__parent_id", "case__category_id")
    posts = dict(
        Case.objects.filter(
            subtree_q("region_code", [node.code]), reported_at__gte=since, source=Source.RESIDENT, is_public=True
        )
        .annotate(major=Coalesce("category__parent_id", "category_id"))
        .values_list("major")
        .annotate(n=Count("pk"))
        .order_by()
    )
    me_too = dict(
        BoardReaction.objects.filter(
            subtree_q("case__region_code", [node.code]), created_at__gte=since, kind=BoardReaction.Kind.ME_TOO
        )
        .annotate(major=major)
        .values_list("major")
        .annotate(n=Count("pk"))
        .order_by()
    )
    comments = dict(
        BoardComment.objects.filter(subtree_q("case__region_code", [node.code]), created_at__gte=since, is_hidden=False)
        .annotate(major=major)
        .values_list("major")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for pk in set(posts) | set(me_too) | set(comments):
        p, m, c = posts.get(pk, 0), me_too.get(pk, 0), comments.get(pk, 0)
        rows.append({"name": names.get(pk, "?"), "posts": p, "me_too": m, "comments": c, "score": p + m + c})
    rows.sort(key=lambda r: (-r["score"], r["name"]))
    return rows[:10]


def compute(node, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "topics": hot_topics(node, now),
        "seasons": by_season(node, today),
        "areas": by_area(node, today),
        "profile": profile(node, now),
        "window_days": WINDOW_DAYS,
        "profile_days": PROFILE_DAYS,
    }


PENDING_SECONDS = 300  # a missing snapshot handed to the worker is not handed over again for this long


def for_screen(node):
    """The node's stored snapshot for a screen's request, or None while the worker computes it.

    Computing one segments thousands of texts with jieba's part-of-speech dictionary (about 130 MB
    the first time in a process): with a broker that belongs on the worker, never in a web worker,
    so a missing snapshot is handed over (once per PENDING_SECONDS) and the screen shows it at its
    next refresh. Without a broker (the embedded default) it is computed here, as before."""
    from django.core.cache import cache

    stored = NeedsSnapshot.objects.filter(region_code=node.code).first()
    if stored is not None or not background.broker_configured():
        return stored or snapshot(node)
    if cache.add(f"dashboard:needs-pending:{node.code}", 1, PENDING_SECONDS):
        background.after_commit("civicgrid.dashboard.needs.compute_missing", node.code)
    return None


@background.task
def compute_missing(code):
    """The worker's side of for_screen(): the node's snapshot, unless one appeared meanwhile."""
    from civicgrid.regions.models import Region

    node = Region.objects.filter(code=code).defer("boundary").first()
    if node is not None:
        snapshot(node)


def snapshot(node, now=None, refresh=False):
    """The node's analytics: the stored snapshot, computed now if missing (or `refresh`)."""
    now = now or timezone.now()
    stored = NeedsSnapshot.objects.filter(region_code=node.code).first()
    if stored is not None and not refresh:
        return stored
    started = time.perf_counter()
    data = compute(node, now)
    stored, _created = NeedsSnapshot.objects.update_or_create(
        region_code=node.code,
        defaults={"computed_at": now, "data": data, "seconds": round(time.perf_counter() - started, 3)},
    )
    return stored


def refresh_stale(now=None):
    """The periodic job: recompute the snapshots older than settings.DASHBOARD_NEEDS_TTL seconds, and
    make those the district, its streets and communities lack."""
    from civicgrid.regions.models import Region

    now = now or timezone.now()
    stale = NeedsSnapshot.objects.filter(computed_at__lt=now - timedelta(seconds=settings.DASHBOARD_NEEDS_TTL))
    done = 0
    for code in stale.values_list("region_code", flat=True):
        node = Region.objects.filter(code=code).defer("boundary").first()
        if node is None:
            NeedsSnapshot.objects.filter(region_code=code).delete()
            continue
        snapshot(node, now, refresh=True)
        done += 1
    # The screens' usual nodes (district, streets, communities) get theirs before anyone asks, so a
    # screen's request finds one ready.
    from civicgrid.regions.models import Level

    known = NeedsSnapshot.objects.values_list("region_code", flat=True)
    made = 0
    for node in Region.objects.filter(level__lte=Level.COMMUNITY).exclude(code__in=known).defer("boundary"):
        snapshot(node, now)
        made += 1
    return {"refreshed": done, "made": made}
