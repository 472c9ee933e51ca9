"""Closing a quarter: stars move by one at the thresholds (boundaries included), stay within 0–5,
move once however often the quarter is closed, the top N are selected with ties sharing a place;
the reach of the closer; and the command screen's figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from civicgrid.core import events
from civicgrid.party import actions as org_actions
from civicgrid.party.actions import ratings as actions
from civicgrid.party.events import BranchSelected, StarsChanged
from civicgrid.party.models import Field, Organisation, OrgKind, PostKind, QuarterClose, Rating
from civicgrid.party.selectors.ratings import panel_figures, stars_board
from civicgrid.party.testing.ratings import make_set, score_all, submitted
from civicgrid.testing import make_user

YEAR, QUARTER = actions.current_quarter()


@pytest.fixture
def published(monkeypatch):
    seen = []
    original = events.publish

    def spy(event):
        seen.append(event)
        return original(event)

    monkeypatch.setattr(events, "publish", spy)
    return seen


def branches(world, n, stars=3):
    """`n` more community branches under C1, each with its own secretary: [(org, secretary)]."""
    p, admin = world.party, world.staff.admin
    made = []
    for i in range(n):
        org = org_actions.create_organisation(
            admin,
            p.c1.pk,
            name=f"测试第{i + 3}党支部",
            kind=OrgKind.BRANCH,
            field=Field.COMMUNITY,
            region=world.tree["S1C1G2"],
        )
        leader = make_user(f"leader{i}")
        org_actions.appoint(admin, org.pk, leader, PostKind.SECRETARY)
        Organisation.objects.filter(pk=org.pk).update(stars=stars)
        made.append((org, leader))
    return made


def rated(world, totals, stars=3, reviewer=None, **set_values):
    make_set(world.staff.admin, **set_values)
    reviewer = reviewer or world.party.street_secretary
    rows = []
    for (org, leader), total in zip(branches(world, len(totals), stars), totals, strict=True):
        rows.append(score_all(reviewer, submitted(leader, org), Decimal(total)))
    return rows


def stars_of(rows):
    return [Organisation.objects.get(pk=r.organisation_id).stars for r in rows]


def test_thresholds_at_the_boundaries(world, published):
    rows = rated(world, ["90", "89.9", "60", "59.9"])
    closed = actions.close_quarter(world.party.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert stars_of(rows) == [4, 3, 3, 2]
    reasons = [Rating.objects.get(pk=r.pk).change_reason for r in rows]
    assert reasons[0] == "本季度得分 90 ≥ 升星线 90"
    assert reasons[3] == "本季度得分 59.9 < 降星线 60"
    assert "星级不变" in reasons[1] and "星级不变" in reasons[2]
    after = Rating.objects.get(pk=rows[0].pk)
    assert (after.stars_before, after.stars_after) == (3, 4)
    moved = [e for e in published if isinstance(e, StarsChanged)]
    assert sorted((e.before, e.after) for e in moved) == [(3, 2), (3, 4)]
    assert (closed.ratings, closed.moved) == (4, 2)


def test_stars_stay_within_0_and_5(world):
    high = rated(world, ["99"], stars=5)
    Organisation.objects.filter(pk=world.party.g1.pk).update(stars=0)
    low = score_all(world.party.instructor, submitted(world.party.branch_secretary, world.party.g1), Decimal(10))
    actions.close_quarter(world.party.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert stars_of(high + [low]) == [5, 0]
    assert "最高星级" in Rating.objects.get(pk=high[0].pk).change_reason
    assert "最低星级" in Rating.objects.get(pk=low.pk).change_reason


def test_closing_twice_moves_stars_once(world, published):
    rows = rated(world, ["95", "50"])
    p = world.party
    actions.close_quarter(p.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert stars_of(rows) == [4, 2]
    before = (list(Rating.objects.order_by("pk").values()), stars_of(rows), QuarterClose.objects.count())
    count = len(published)
    with pytest.raises(ValidationError):
        actions.close_quarter(p.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert (list(Rating.objects.order_by("pk").values()), stars_of(rows), QuarterClose.objects.count()) == before
    assert len(published) == count
    # A rating scored later is closed on its own; the earlier ones do not move again.
    late = score_all(p.instructor, submitted(p.branch_secretary, p.g1), Decimal(92))
    second = actions.close_quarter(p.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert second.ratings == 1
    assert stars_of(rows + [late]) == [4, 2, 1]


def test_top_n_with_ties(world, published):
    rows = rated(world, ["95", "90", "90", "80", "70"], select_top=2)
    closed = actions.close_quarter(world.party.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    selected = [Rating.objects.get(pk=r.pk).selected for r in rows]
    assert selected == [True, True, True, False, False]  # both 90s share 2nd place
    assert closed.selected == 3
    ranks = sorted(e.rank for e in published if isinstance(e, BranchSelected))
    assert ranks == [1, 2, 2]


def test_top_n_exact(world):
    rows = rated(world, ["95", "91", "90"], select_top=2)
    actions.close_quarter(world.party.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    assert [Rating.objects.get(pk=r.pk).selected for r in rows] == [True, True, False]


def test_other_fields_and_quarters_are_untouched(world):
    rows = rated(world, ["95"])
    with pytest.raises(ValidationError):
        actions.close_quarter(world.party.street_secretary, Field.RURAL, YEAR, QUARTER)
    assert stars_of(rows) == [3]
    assert not Rating.objects.filter(closed_at__isnull=False).exists()


def test_close_reach_and_bad_input(world):
    rows = rated(world, ["95", "40"])
    p = world.party
    before = (list(Rating.objects.order_by("pk").values()), stars_of(rows))
    for user in (p.member1, world.staff.admin, p.c2_secretary, world.staff.street, p.first_secretary):
        with pytest.raises(Rating.DoesNotExist):
            actions.close_quarter(user, Field.COMMUNITY, YEAR, QUARTER)
    # The instructor of G1 reaches G1 only: none of these ratings.
    with pytest.raises(ValidationError):
        actions.close_quarter(p.instructor, Field.COMMUNITY, YEAR, QUARTER)
    for field, year, quarter in (
        ("moon", YEAR, QUARTER),
        (Field.COMMUNITY, "20x6", QUARTER),
        (Field.COMMUNITY, YEAR, 9),
    ):
        with pytest.raises(ValidationError):
            actions.close_quarter(p.street_secretary, field, year, quarter)
    with pytest.raises(ValidationError):
        actions.close_quarter(p.street_secretary, Field.COMMUNITY, YEAR + 1, 1)
    assert (list(Rating.objects.order_by("pk").values()), stars_of(rows)) == before
    # C1's secretary reaches the branches under C1: closes them.
    assert actions.close_quarter(p.c1_secretary, Field.COMMUNITY, YEAR, QUARTER).ratings == 2


def test_drafts_and_submitted_are_not_closed(world):
    rows = rated(world, ["95"])
    p = world.party
    pending = submitted(p.branch_secretary, p.g1)
    actions.close_quarter(p.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    pending.refresh_from_db()
    assert pending.closed_at is None and pending.stars_after is None
    assert stars_of(rows) == [4]


def test_panel_figures_and_board(world):
    rated(world, ["95", "91", "40"], select_top=1)
    actions.close_quarter(world.party.street_secretary, Field.COMMUNITY, YEAR, QUARTER)
    figures = panel_figures(None)
    assert figures["quarter"] == f"{YEAR}Q{QUARTER}"
    assert figures["selected"] == 1
    assert figures["by_stars"][4] == 2 and figures["by_stars"][2] == 1
    assert (
        sum(figures["by_stars"].values())
        == Organisation.objects.filter(kind__in=actions.RATED_KINDS, is_active=True).count()
    )
    elsewhere = panel_figures([world.tree["S2"].code])
    assert elsewhere["selected"] == 0 and sum(elsewhere["by_stars"].values()) == 0
    organ = panel_figures([world.tree["S1C1"].code])
    assert organ["selected"] == 1
    board = {f["field"]: f for f in stars_board()}
    assert [r.total for r in board[Field.COMMUNITY]["selected"]] == [Decimal("95.0")]
    assert board[Field.COMMUNITY]["starred"][0].stars == 4
