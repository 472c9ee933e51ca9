"""The star ratings' actions: indicator sets, a rating's way (open → evidence → submit → score →
finish, or return), reach and self-review, and closing a quarter (thresholds at the boundaries,
stars within 0–5, closing twice, top N with ties)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.core import events
from civicgrid.party import actions as org_actions
from civicgrid.party.actions import ratings as actions
from civicgrid.party.events import RatingScored
from civicgrid.party.models import (
    Field,
    Indicator,
    IndicatorSet,
    Organisation,
    PostKind,
    Rating,
    RatingFile,
    RatingStatus,
)
from civicgrid.party.testing.ratings import indicator_rows, make_set, submitted

YEAR, QUARTER = actions.current_quarter()


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path


@pytest.fixture
def published(monkeypatch):
    seen = []
    original = events.publish

    def spy(event):
        seen.append(event)
        return original(event)

    monkeypatch.setattr(events, "publish", spy)
    return seen


@pytest.fixture
def rset(world):
    return make_set(world.staff.admin)


def snapshot():
    return (
        list(Rating.objects.order_by("pk").values()),
        list(RatingFile.objects.values_list("pk", flat=True)),
        list(Organisation.objects.order_by("pk").values_list("stars", flat=True)),
        list(IndicatorSet.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
    )


# --- Indicator sets ---------------------------------------------------------------------------


def test_admin_and_committee_secretaries_keep_sets(world):
    p = world.party
    made = make_set(world.staff.admin)
    assert made.indicators.count() == 4
    assert make_set(p.street_secretary, Field.RURAL).field == Field.RURAL
    for user in (p.branch_secretary, p.c1_secretary, p.instructor, world.staff.street, p.member1):
        before = snapshot()
        with pytest.raises(IndicatorSet.DoesNotExist):
            make_set(user)
        assert snapshot() == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x\x00"}, "name"),
        ({"field": "nowhere"}, "field"),
        ({"valid_from": "2026-01-01"}, "valid_from"),
        ({"up_at": "101"}, "up_at"),
        ({"up_at": "nan"}, "up_at"),
        ({"down_below": "95"}, "down_below"),
        ({"select_top": "0"}, "select_top"),
        ({"select_top": "-3"}, "select_top"),
        ({"indicators": []}, "indicators"),
        ({"indicators": indicator_rows()[:2]}, "indicators"),  # 80 points, not 100
        ({"indicators": [{"title": "a", "points": "100.05", "kind": "positive"}]}, "indicators"),
        ({"indicators": [{"title": "a", "points": "100", "kind": "bonus"}]}, "indicators"),
    ],
)
def test_bad_sets_are_refused(world, change, field):
    values = {
        "field": Field.COMMUNITY,
        "name": "社区指标",
        "valid_from": date(2024, 1, 1),
        "up_at": "90",
        "down_below": "60",
        "select_top": "50",
        "indicators": indicator_rows(),
    }
    values.update(change)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        actions.save_indicator_set(world.staff.admin, None, **values)
    assert field in error.value.message_dict
    assert snapshot() == before


def test_indicators_freeze_once_used(world, rset):
    p = world.party
    submitted(p.branch_secretary, p.g1)
    rows = indicator_rows()
    rows[0]["points"], rows[1]["points"] = "50", "30"
    values = {"field": rset.field, "name": "改名", "valid_from": rset.valid_from, "up_at": "85"}
    values.update({"down_below": "60", "select_top": "3"})
    with pytest.raises(ValidationError) as error:
        actions.save_indicator_set(world.staff.admin, rset.pk, **values, indicators=rows)
    assert "indicators" in error.value.message_dict
    changed = actions.save_indicator_set(world.staff.admin, rset.pk, **values, indicators=indicator_rows())
    assert (changed.name, changed.up_at, changed.indicators.count()) == ("改名", Decimal("85.0"), 4)


# --- Opening, evidence, submitting ------------------------------------------------------------


def test_leader_opens_fills_and_submits(world, rset):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    assert (rating.status, rating.indicator_set, rating.items.count()) == (RatingStatus.DRAFT, rset, 4)
    items = list(rating.items.order_by("indicator__order"))
    photo = SimpleUploadedFile("会议.jpg", jpeg_bytes(), content_type="image/jpeg")
    pdf = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    actions.save_evidence(
        p.branch_secretary, rating.pk, {items[0].pk: "每月主题党日"}, {items[0].pk: [photo], items[1].pk: [pdf]}
    )
    assert sorted(RatingFile.objects.values_list("kind", flat=True)) == ["document", "photo"]
    # The second required item has a document only: that counts as evidence.
    done = actions.submit_rating(p.branch_secretary, rating.pk)
    assert done.status == RatingStatus.SUBMITTED
    assert rating.items.get(pk=items[0].pk).evidence == "每月主题党日"


def test_submit_needs_required_evidence(world, rset):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    items = list(rating.items.order_by("indicator__order"))
    actions.save_evidence(p.branch_secretary, rating.pk, {items[0].pk: "每月主题党日"})
    with pytest.raises(ValidationError) as error:
        actions.submit_rating(p.branch_secretary, rating.pk)
    assert "三会一课" in str(error.value)
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.DRAFT
    pdf = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    actions.save_evidence(p.branch_secretary, rating.pk, {}, {items[1].pk: [pdf]}, submit=True)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.SUBMITTED and rating.submitted_by == p.branch_secretary
    with pytest.raises(ValidationError):  # submitted: evidence is frozen
        actions.save_evidence(p.branch_secretary, rating.pk, {items[0].pk: "改"})


def test_opening_refusals(world, rset):
    p = world.party
    for user in (p.member1, world.staff.admin, p.c2_secretary, p.first_secretary):
        with pytest.raises(Organisation.DoesNotExist):
            actions.open_rating(user, p.g1.pk, YEAR, QUARTER)
    with pytest.raises(Organisation.DoesNotExist):  # a committee is not rated
        actions.open_rating(p.street_secretary, p.street.pk, YEAR, QUARTER)
    next_year = (YEAR + 1, QUARTER)
    for year, quarter in ((YEAR, 5), (YEAR, 0), ("x", 1), (1999, 1), next_year):
        with pytest.raises(ValidationError):
            actions.open_rating(p.branch_secretary, p.g1.pk, year, quarter)
    with pytest.raises(ValidationError) as error:  # no organ set yet
        actions.open_rating(p.organ_secretary, p.organ.pk, YEAR, QUARTER)
    assert "organisation" in error.value.message_dict
    assert not Rating.objects.exists()
    actions.open_rating(p.instructor, p.g1.pk, YEAR, QUARTER)  # a reviewer may open it too
    with pytest.raises(ValidationError):
        actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    assert Rating.objects.count() == 1


def test_only_leaders_write_evidence(world, rset):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    item = rating.items.first()
    before = snapshot()
    for user in (p.c1_secretary, p.instructor, p.street_secretary, world.staff.admin, p.member1, p.c2_secretary):
        with pytest.raises(Rating.DoesNotExist):
            actions.save_evidence(user, rating.pk, {item.pk: "别人填写"})
        with pytest.raises(Rating.DoesNotExist):
            actions.submit_rating(user, rating.pk)
    assert snapshot() == before


def test_bad_evidence_changes_nothing(world, rset, tmp_path):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    item = rating.items.first()
    other = actions.open_rating(p.c2_secretary, p.c2.pk, YEAR, QUARTER).items.first()
    before = snapshot()
    bad = [
        ({item.pk: "x\x07"}, {}, ()),
        ({item.pk: "长" * 2001}, {}, ()),
        ({}, {item.pk: [SimpleUploadedFile("a.jpg", b"<svg onload=alert(1)>")]}, ()),
        ({}, {item.pk: [SimpleUploadedFile("a.pdf", b"%PDF-1.4 no end")]}, ()),
        ({}, {item.pk: [SimpleUploadedFile(f"{n}.jpg", jpeg_bytes()) for n in range(10)]}, ()),
    ]
    for evidence, uploads, remove in bad:
        with pytest.raises(ValidationError):
            actions.save_evidence(p.branch_secretary, rating.pk, evidence, uploads, remove)
    with pytest.raises(Exception):  # noqa: B017 — another rating's item: not found
        actions.save_evidence(p.branch_secretary, rating.pk, {other.pk: "x"})
    assert snapshot() == before
    assert not [f for f in tmp_path.rglob("*") if f.is_file()]


def test_files_are_removed(world, rset, tmp_path):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    item = rating.items.first()
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    actions.save_evidence(p.branch_secretary, rating.pk, {}, {item.pk: [photo]})
    row = RatingFile.objects.get()
    assert b"GPS" not in (tmp_path / row.file).read_bytes()
    with pytest.raises(RatingFile.DoesNotExist):
        actions.save_evidence(p.branch_secretary, rating.pk, {}, {}, [row.pk + 100])
    actions.save_evidence(p.branch_secretary, rating.pk, {}, {}, [row.pk])
    assert not RatingFile.objects.exists()


# --- Scoring ----------------------------------------------------------------------------------


def test_reviewer_scores_returns_and_finishes(world, rset, published):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    items = {i.indicator.title: i for i in rating.items.select_related("indicator")}
    actions.return_rating(p.instructor, rating.pk, "请补充三会一课记录")
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.RETURNED
    actions.submit_rating(p.branch_secretary, rating.pk)
    scores = {
        items["组织生活规范"].pk: ("38.5", "规范"),
        items["三会一课"].pk: ("40", ""),
        items["为民服务"].pk: ("20", ""),
    }
    actions.score_items(p.instructor, rating.pk, scores)
    with pytest.raises(ValidationError):  # the deduction item is not scored yet
        actions.finish_review(p.instructor, rating.pk)
    actions.score_items(p.c1_secretary, rating.pk, {items["违规违纪（负面清单）"].pk: ("5", "会议缺勤")})
    done = actions.finish_review(p.c1_secretary, rating.pk)
    assert (done.status, done.total, done.scored_by) == (RatingStatus.SCORED, Decimal("93.5"), p.c1_secretary)
    assert [e for e in published if isinstance(e, RatingScored)][0].total == "93.5"
    with pytest.raises(ValidationError):  # finished once
        actions.finish_review(p.street_secretary, rating.pk)
    with pytest.raises(ValidationError):
        actions.score_items(p.street_secretary, rating.pk, {items["三会一课"].pk: ("1", "")})


@pytest.mark.parametrize(
    "title, score",
    [
        ("三会一课", "40.1"),
        ("三会一课", "-1"),
        ("三会一课", "abc"),
        ("三会一课", "1.25"),
        ("违规违纪（负面清单）", "11"),
    ],
)
def test_scores_out_of_bounds(world, rset, title, score):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    item = rating.items.get(indicator__title=title)
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.score_items(p.instructor, rating.pk, {item.pk: (score, "")})
    assert snapshot() == before


def test_no_self_review_and_no_reach(world, rset):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    item = rating.items.first()
    before = snapshot()
    for user in (p.branch_secretary, p.c2_secretary, world.staff.admin, p.member1, p.first_secretary):
        with pytest.raises(Rating.DoesNotExist):
            actions.score_items(user, rating.pk, {item.pk: ("1", "")})
        with pytest.raises(Rating.DoesNotExist):
            actions.finish_review(user, rating.pk)
        with pytest.raises(Rating.DoesNotExist):
            actions.return_rating(user, rating.pk, "退回")
    # An instructor who is also the branch's organiser reviews it no more.
    org_actions.appoint(world.staff.admin, p.g1.pk, p.instructor, PostKind.ORGANISER)
    with pytest.raises(Rating.DoesNotExist):
        actions.score_items(p.instructor, rating.pk, {item.pk: ("1", "")})
    assert snapshot() == before


def test_total_stays_within_0_and_100(world):
    spec = (("全部工作", "100", "positive", False), ("重大违纪", "100", "negative", False))
    make_set(world.staff.admin, spec=spec)
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    items = {i.indicator.kind: i for i in rating.items.select_related("indicator")}
    actions.score_items(p.instructor, rating.pk, {items["positive"].pk: ("30", ""), items["negative"].pk: ("50", "")})
    assert actions.finish_review(p.instructor, rating.pk).total == Decimal("0.0")


def test_return_needs_a_note(world, rset):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    for note in ("", "  ", "x\x1b"):
        with pytest.raises(ValidationError):
            actions.return_rating(p.instructor, rating.pk, note)
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.SUBMITTED
