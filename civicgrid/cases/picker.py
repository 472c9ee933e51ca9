"""The category picker of the report forms (我要上报, 随手拍): two levels, the most used first, and
keyword matching of the typed description.

- `usage(region_code)`: how many cases each category had in the last 90 days in an area (the
  user's community, or everything when there is none), cached for an hour. Only counts per
  category leave this module — they order the list and are never shown.
- `grouped(categories, counts)`: the minors grouped under their majors, majors and minors ordered by
  use, then by the table's own order. The form renders them as <optgroup>s (works without script).
- `table(groups)`: the same groups as plain data for the page (json_script), with the terms the
  script matches against the description and filters with in its search box.
- `suggest(text, groups)`: the likely major (and minor, when one clearly wins) for a description.
  The script in static/civicgrid/category-picker.js applies the same rule as the user types; the
  server uses it to pre-select when a form comes back without a category.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count

from civicgrid.core import clock

USAGE_DAYS = 90
USAGE_CACHE_SECONDS = 3600
DESCRIPTION_MINORS = 3  # minors named in a major's short description when it has none of its own


def usage(region_code=""):
    """{category id: number of cases in the last 90 days} within region_code (a prefix)."""
    from civicgrid.cases.models import Case

    key = f"cases:picker-usage:{region_code or 'all'}"
    counts = cache.get(key)
    if counts is None:
        cases = Case.objects.filter(reported_at__gte=clock.now() - timedelta(days=USAGE_DAYS))
        if region_code:
            cases = cases.filter(region_code__startswith=region_code)
        rows = cases.order_by().values("category_id").annotate(n=Count("id"))
        counts = {row["category_id"]: row["n"] for row in rows}
        cache.set(key, counts, USAGE_CACHE_SECONDS)
    return counts


def forget_usage(region_code=""):
    cache.delete(f"cases:picker-usage:{region_code or 'all'}")


@dataclass
class Group:
    major: object
    minors: list
    count: int


def _table_order(category):
    return (category.sort_order, category.code)


def grouped(categories, counts=None):
    """Minor categories (with .parent loaded) grouped by major, the most used first."""
    counts = counts or {}
    by_major = {}
    for minor in categories:
        by_major.setdefault(minor.parent_id, (minor.parent, []))[1].append(minor)
    groups = []
    for major, minors in by_major.values():
        minors.sort(key=lambda c: (-counts.get(c.pk, 0), _table_order(c)))
        total = sum(counts.get(c.pk, 0) for c in minors) + counts.get(major.pk, 0)
        groups.append(Group(major, minors, total))
    groups.sort(key=lambda g: (-g.count, g.major.kind != "community", _table_order(g.major)))
    return groups


def choices(groups, empty_label, with_code=False):
    """Grouped choices for a <select> with one <optgroup> per major (option labels with the code
    for staff, who know the table by its codes)."""

    def label(category):
        return f"{category.code} {category.name}" if with_code else category.name

    return [("", empty_label)] + [
        (label(group.major), [(minor.pk, label(minor)) for minor in group.minors]) for group in groups
    ]


def _terms(category):
    words = [category.name, *category.keywords.split()]
    seen = []
    for word in words:
        word = word.strip()
        if word and word not in seen:
            seen.append(word)
    return seen


def _summary(group):
    if group.major.description:
        return group.major.description.strip().splitlines()[0][:40]
    names = [minor.name for minor in group.minors[:DESCRIPTION_MINORS]]
    more = "…" if len(group.minors) > DESCRIPTION_MINORS else ""
    return "、".join(names) + more


def table(groups):
    """The picker's data for the page: majors in order, each with its minors and their terms."""
    return [
        {
            "id": group.major.pk,
            "name": group.major.name,
            "badge": group.major.name[:1],
            "kind": group.major.kind,
            "summary": _summary(group),
            "terms": _terms(group.major),
            "minors": [
                {
                    "id": minor.pk,
                    "code": minor.code,
                    "name": minor.name,
                    "description": minor.description,
                    "terms": _terms(minor),
                }
                for minor in group.minors
            ],
        }
        for group in groups
    ]


def _score(text, terms):
    """The length of every term found in the text: longer matches say more than one character."""
    return sum(len(term) for term in terms if term in text)


@dataclass(frozen=True)
class Suggestion:
    major: object = None
    minor: object = None


def suggest(text, groups):
    """The likely major for a description, and its minor when that minor is the single best match.

    Each minor scores the summed length of its name and keywords found in the text; a major scores
    its best minor plus its own name. The first group (the most used) wins a tie. No term found: no
    suggestion.
    """
    text = (text or "").strip()
    if not text:
        return Suggestion()
    best_major, best_major_score, scored = None, 0, []
    for group in groups:
        minor_scores = [(_score(text, _terms(minor)), minor) for minor in group.minors]
        top = max((score for score, _minor in minor_scores), default=0)
        major_score = top + _score(text, _terms(group.major))
        if major_score > best_major_score:
            best_major, best_major_score = group, major_score
        scored.extend((score, minor, group) for score, minor in minor_scores)
    if best_major is None:
        return Suggestion()
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: -item[0])
    minor = None
    if ranked and ranked[0][2] is best_major and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        minor = ranked[0][1]
    return Suggestion(best_major.major, minor)
