"""Ratings: periods with weights as data, marks, one survey per household, publication with ranks,
red and black lists and reasons; scope and bad input."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from civicgrid.property import actions, selectors
from civicgrid.property.models import CompanyRating, PeriodStatus, RatingPeriod, SurveyAnswer
from civicgrid.regions.models import Region


def period(world, user=None, **kw):
    fields = {"street": world.tree["S1"], "name": "2026 年第四季度"}
    fields.update(kw)
    return actions.create_period(user or world.people.street, **fields)


def answer(user, value=5):
    return actions.answer_survey(user, service=value, cleanliness=value, repairs=value, safety=value)


def test_period_lists_the_streets_companies(world):
    p = period(world)
    assert {r.company for r in p.ratings.all()} == {world.company_a, world.company_b}


@pytest.mark.parametrize(
    "kw",
    [
        {"street_weight": 60},  # sums to 110
        {"street_weight": "x"},
        {"red_at": 50, "black_below": 60},
        {"name": ""},
        {"name": "季\x00度"},
    ],
)
def test_bad_periods(world, kw):
    with pytest.raises(ValidationError):
        period(world, **kw)
    assert RatingPeriod.objects.count() == 0


def test_only_the_streets_staff_open_periods(world):
    for user in (world.people.community, world.people.resident, world.people.staff_a):
        with pytest.raises(Region.DoesNotExist):
            period(world, user)
    with pytest.raises(Region.DoesNotExist):
        actions.create_period(world.people.street, street=world.tree["S2"], name="外街道")
    assert RatingPeriod.objects.count() == 0


def test_one_survey_per_household(world):
    period(world)
    answer(world.people.resident, 4)
    with pytest.raises(ValidationError):
        answer(world.people.resident, 5)
    with pytest.raises(ValidationError):
        actions.answer_survey(world.people.resident2, service=6, cleanliness=1, repairs=1, safety=1)
    answer(world.people.resident2, 2)
    assert SurveyAnswer.objects.count() == 2
    assert set(SurveyAnswer.objects.values_list("company_id", flat=True)) == {world.company_a.pk}


def test_publish_ranks_and_lists(world):
    p = period(world)
    answer(world.people.resident, 5)  # company A: survey 100
    answer(world.people.resident_b, 1)  # company B: survey 20
    with pytest.raises(ValidationError):  # marks missing
        actions.publish_period(world.people.street, p.pk)
    actions.set_marks(world.people.street, p.pk, world.company_a.pk, street_score=95, expert_score=90)
    actions.set_marks(world.people.street, p.pk, world.company_b.pk, street_score=50, expert_score=60, reason="投诉多")
    with pytest.raises(ValidationError):
        actions.set_marks(world.people.street, p.pk, world.company_a.pk, street_score=101)
    actions.publish_period(world.people.street, p.pk)
    p.refresh_from_db()
    assert p.status == PeriodStatus.PUBLISHED
    a = CompanyRating.objects.get(period=p, company=world.company_a)
    b = CompanyRating.objects.get(period=p, company=world.company_b)
    # A: 95*.5 + 100*.3 + 90*.2 = 95.5 ; B: 50*.5 + 20*.3 + 60*.2 = 43.0
    assert (a.total, a.rank, a.mark) == (Decimal("95.5"), 1, "red")
    assert (b.total, b.rank, b.mark) == (Decimal("43.0"), 2, "black")
    assert b.reason == "投诉多" and "95.5" in a.reason
    # Published: no more changes, residents of the street see it.
    with pytest.raises(ValidationError):
        actions.set_marks(world.people.street, p.pk, world.company_a.pk, street_score=10)
    assert list(selectors.published_periods(world.people.resident)) == [p]
    assert list(selectors.published_periods(world.people.resident_b)) == [p]


def test_marks_out_of_scope_change_nothing(world):
    p = period(world)
    for user in (world.people.community, world.people.staff_a, world.people.resident):
        with pytest.raises(RatingPeriod.DoesNotExist):
            actions.set_marks(user, p.pk, world.company_a.pk, street_score=10)
        with pytest.raises(RatingPeriod.DoesNotExist):
            actions.publish_period(user, p.pk)
    assert not CompanyRating.objects.filter(street_score__isnull=False).exists()
    assert RatingPeriod.objects.get().status == PeriodStatus.OPEN
