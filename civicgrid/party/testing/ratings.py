"""Builders for the star ratings' tests (here, the views, the browser and the scope walk), made
through the actions."""

from datetime import date

from civicgrid.party.actions import ratings as actions
from civicgrid.party.models import Field, IndicatorKind, PostKind

# A small set: 40 + 40 + 20 positive points, one deduction of up to 10.
SMALL = (
    ("组织生活规范", "40", IndicatorKind.POSITIVE, True),
    ("三会一课", "40", IndicatorKind.POSITIVE, True),
    ("为民服务", "20", IndicatorKind.POSITIVE, False),
    ("违规违纪（负面清单）", "10", IndicatorKind.NEGATIVE, False),
)


def indicator_rows(spec=SMALL):
    return [
        {"title": t, "points": p, "kind": k, "evidence_required": e, "hint": f"{t}的评分说明"} for t, p, k, e in spec
    ]


def make_set(user, field=Field.COMMUNITY, *, up_at="90", down_below="60", select_top=2, name=None, spec=SMALL):
    return actions.save_indicator_set(
        user,
        None,
        field=field,
        name=name or f"{field}五星支部指标",
        valid_from=date(2020, 1, 1),
        is_active=True,
        up_at=up_at,
        down_below=down_below,
        select_top=select_top,
        indicators=indicator_rows(spec),
    )


def submitted(leader, org, year=None, quarter=None, opener=None):
    """A rating of `org` for the quarter (this one by default), its evidence written and submitted."""
    if year is None:
        year, quarter = actions.current_quarter()
    rating = actions.open_rating(opener or leader, org.pk, year, quarter)
    evidence = {item.pk: f"{item.indicator.title}：已按要求开展，附记录。" for item in rating.items.all()}
    actions.save_evidence(leader, rating.pk, evidence)
    return actions.submit_rating(leader, rating.pk)


def score_all(reviewer, rating, total):
    """Score the rating's positive items to reach `total` (deductions 0) and finish the review."""
    left = total
    scores = {}
    for item in rating.items.select_related("indicator").order_by("indicator__order"):
        if item.indicator.kind == IndicatorKind.NEGATIVE:
            scores[item.pk] = ("0", "")
            continue
        give = min(left, item.indicator.points)
        left -= give
        scores[item.pk] = (str(give), "符合要求")
    actions.score_items(reviewer, rating.pk, scores)
    return actions.finish_review(reviewer, rating.pk)


def scope_objects(o, side):
    """Add this part's objects to `o` (the side's party namespace from testing/__init__.py):
    `rating_set` (a community indicator set made by the street secretary; `rating_set_rural` too),
    `rating_leader` (a new account, secretary of `branch` and `branch2` — branch2 is made a rural
    branch), `rating` (the side's `branch`, submitted with a photo: `rating_file`), `rating_draft`
    (branch2, a draft) and, of the previous quarter, scored and not closed: `rating_scored`
    (branch, community field, by the community secretary) and `rating_scored_rural` (branch2, by
    the street secretary)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicgrid.cases.tests.media_files import jpeg_bytes
    from civicgrid.party import actions as org_actions
    from civicgrid.party.models import Post
    from civicgrid.testing import make_user

    def holder(org):
        return Post.objects.get(organisation=org, kind=PostKind.SECRETARY, ended_at__isnull=True).user

    street, community = holder(o.street_org), holder(o.community_org)
    o.rating_set = make_set(street, Field.COMMUNITY, name=f"{side} 社区五星支部指标")
    o.rating_set_rural = make_set(street, Field.RURAL, name=f"{side} 农村五星支部指标")
    for org, field in ((o.branch, Field.COMMUNITY), (o.branch2, Field.RURAL)):
        if org.field != field:
            org.field = field
            org.save(update_fields=["field"])
    o.rating_leader = make_user(f"rating_leader_{side}")
    org_actions.appoint(street, o.branch.pk, o.rating_leader, PostKind.SECRETARY)
    org_actions.appoint(street, o.branch2.pk, o.rating_leader, PostKind.SECRETARY)
    year, quarter = actions.current_quarter()
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    o.rating_scored = score_all(community, submitted(o.rating_leader, o.branch, *previous), 80)
    # The community account holds a post in branch2 itself (organiser): the street reviews it.
    o.rating_scored_rural = score_all(street, submitted(o.rating_leader, o.branch2, *previous), 92)
    o.rating = actions.open_rating(o.rating_leader, o.branch.pk, year, quarter)
    items = list(o.rating.items.order_by("indicator__order"))
    photo = SimpleUploadedFile("evidence.jpg", jpeg_bytes(), content_type="image/jpeg")
    evidence = {item.pk: "会议记录与照片" for item in items}
    actions.save_evidence(o.rating_leader, o.rating.pk, evidence, {items[0].pk: [photo]}, submit=True)
    o.rating_file = items[0].files.get()
    o.rating_draft = actions.open_rating(o.rating_leader, o.branch2.pk, year, quarter)
