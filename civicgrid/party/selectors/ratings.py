"""Reads of the star ratings. Every query starts from the user's reach (civicgrid.party.policy):
staff see the ratings of visible_orgs; leaders fill those of led_orgs; reviewers score those of
reviewed_orgs. The stars board is for every signed-in user: organisations' names and stars are
public, members never appear."""

from collections import defaultdict

from django.db.models import Count, Max, Prefetch

from civicgrid.core.scoping import subtree_q
from civicgrid.party import policy
from civicgrid.party.actions.ratings import RATED_KINDS, keeps_indicator_sets, openable_orgs
from civicgrid.party.models import (
    MAX_STARS,
    Field,
    IndicatorSet,
    Organisation,
    QuarterClose,
    Rating,
    RatingFile,
    RatingItem,
    RatingStatus,
)

LIST_LIMIT = 200
BOARD_LIMIT = 300


def visible_ratings(user):
    return Rating.objects.filter(organisation__in=policy.visible_orgs(user).values("pk")).select_related(
        "organisation", "indicator_set"
    )


def is_staff_reader(user):
    """Anyone with a post or a system admin's scope: the ratings pages are theirs."""
    return policy.visible_orgs(user).exists() or keeps_indicator_sets(user)


def to_fill(user):
    """Ratings of the branches the user leads that are not scored yet (draft, returned, submitted)."""
    return (
        Rating.objects.filter(organisation__in=policy.led_orgs(user).values("pk"))
        .exclude(status=RatingStatus.SCORED)
        .select_related("organisation", "indicator_set")
        .order_by("-year", "-quarter", "organisation__path")[:LIST_LIMIT]
    )


def to_review(user):
    return (
        Rating.objects.filter(organisation__in=policy.reviewed_orgs(user).values("pk"), status=RatingStatus.SUBMITTED)
        .select_related("organisation", "indicator_set")
        .order_by("submitted_at", "pk")[:LIST_LIMIT]
    )


def recent(user):
    return visible_ratings(user).order_by("-year", "-quarter", "organisation__path")[:LIST_LIMIT]


def rating_for(user, pk):
    """The rating if the user sees it (else Rating.DoesNotExist), its items with files."""
    items = RatingItem.objects.select_related("indicator", "reviewed_by").prefetch_related(
        Prefetch("files", queryset=RatingFile.objects.order_by("pk"))
    )
    return (
        visible_ratings(user)
        .select_related("organisation__parent", "submitted_by", "scored_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .get(pk=pk)
    )


def role_on(user, rating):
    """ "leader" (fills the evidence), "reviewer" (scores) or "reader"."""
    if policy.led_orgs(user).filter(pk=rating.organisation_id).exists():
        return "leader"
    if policy.reviewed_orgs(user).filter(pk=rating.organisation_id).exists():
        return "reviewer"
    return "reader"


def file_for(user, pk):
    return RatingFile.objects.select_related("item__rating").get(
        pk=pk, item__rating__organisation__in=policy.visible_orgs(user).values("pk")
    )


def history(user, org_pk):
    """(organisation, its ratings newest first) if the user sees it; else Organisation.DoesNotExist."""
    org = policy.visible_orgs(user).get(pk=org_pk)
    return org, list(
        Rating.objects.filter(organisation=org).select_related("indicator_set").order_by("-year", "-quarter")
    )


def open_choices(user):
    return openable_orgs(user).order_by("path")[:LIST_LIMIT]


def indicator_sets():
    return IndicatorSet.objects.annotate(indicator_count=Count("indicators", distinct=True)).order_by(
        "field", "-valid_from", "pk"
    )


def close_overview(user):
    """Per field and quarter, the scored ratings in the reviewer's reach: how many, how many closed."""
    reach = policy.reviewed_orgs(user)
    rows = (
        Rating.objects.filter(organisation__in=reach.values("pk"), status=RatingStatus.SCORED)
        .values("indicator_set__field", "year", "quarter")
        .annotate(scored=Count("pk"), last_closed=Max("closed_at"))
        .order_by("-year", "-quarter", "indicator_set__field")
    )
    closed = _closed_counts(reach)
    labels = dict(Field.choices)
    result = []
    for row in rows[:LIST_LIMIT]:
        key = (row["indicator_set__field"], row["year"], row["quarter"])
        result.append(
            {
                "field": key[0],
                "field_label": labels.get(key[0], key[0]),
                "year": key[1],
                "quarter": key[2],
                "scored": row["scored"],
                "closed": closed.get(key, 0),
                "open": row["scored"] - closed.get(key, 0),
            }
        )
    return result


def _closed_counts(reach):
    rows = (
        Rating.objects.filter(organisation__in=reach.values("pk"), closed_at__isnull=False)
        .values("indicator_set__field", "year", "quarter")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["indicator_set__field"], r["year"], r["quarter"]): r["n"] for r in rows}


def pending_counts(user):
    """Ratings in reach by status that are not scored yet (for the close page)."""
    rows = (
        Rating.objects.filter(organisation__in=policy.reviewed_orgs(user).values("pk"))
        .exclude(status=RatingStatus.SCORED)
        .values("indicator_set__field", "year", "quarter", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = defaultdict(int)
    for row in rows:
        counts[(row["indicator_set__field"], row["year"], row["quarter"])] += row["n"]
    return counts


# --- The stars board (every signed-in user) ---------------------------------------------------


def rated_orgs():
    return Organisation.objects.filter(is_active=True, kind__in=RATED_KINDS)


def stars_board(field=None):
    """Per field: counts by stars, the organisations with stars (names and stars only) and the last
    closed quarter's selected branches with their scores."""
    labels = dict(Field.choices)
    fields = [field] if field else list(Field.values)
    orgs = rated_orgs().filter(field__in=fields)
    counts = defaultdict(lambda: dict.fromkeys(range(MAX_STARS + 1), 0))
    for row in orgs.values("field", "stars").annotate(n=Count("pk")).order_by():
        counts[row["field"]][row["stars"]] = row["n"]
    starred = defaultdict(list)
    for org in orgs.filter(stars__gt=0).order_by("-stars", "name").only("pk", "name", "stars", "field")[:BOARD_LIMIT]:
        starred[org.field].append(org)
    board = []
    for name in fields:
        last = QuarterClose.objects.filter(field=name).order_by("-year", "-quarter", "-closed_at").first()
        selected = []
        if last is not None:
            selected = list(
                Rating.objects.filter(indicator_set__field=name, year=last.year, quarter=last.quarter, selected=True)
                .select_related("organisation")
                .order_by("-total", "organisation__name")[:BOARD_LIMIT]
            )
        if field is None and not any(counts[name].values()) and not selected:
            continue
        board.append(
            {
                "field": name,
                "label": labels[name],
                "by_stars": [(stars, counts[name][stars]) for stars in range(MAX_STARS, -1, -1)],
                "total": sum(counts[name].values()),
                "starred": starred[name],
                "quarter": last.label if last else "",
                "selected": selected,
            }
        )
    return board


# --- The command screen's panel -----------------------------------------------------------------


def panel_figures(region_codes=None):
    """Counts only: rated organisations by stars, and how many were selected in the last closed
    quarter, for organisations in the subtree of any of `region_codes` (None: everywhere)."""
    orgs = rated_orgs()
    if region_codes is not None:
        orgs = orgs.filter(subtree_q("region_code", region_codes))
    by_stars = dict.fromkeys(range(MAX_STARS + 1), 0)
    for row in orgs.values("stars").annotate(n=Count("pk")).order_by():
        by_stars[row["stars"]] = row["n"]
    last = QuarterClose.objects.order_by("-year", "-quarter", "-closed_at").first()
    selected = 0
    if last is not None:
        selected = Rating.objects.filter(
            year=last.year, quarter=last.quarter, selected=True, organisation__in=orgs.values("pk")
        ).count()
    return {"by_stars": by_stars, "selected": selected, "quarter": last.label if last else ""}
