"""The ratings pages: who sees what (404 out of reach, nothing changed), bad input answers 400 and
writes nothing, never 500; the whole way through the pages."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.party.actions import ratings as actions
from civicgrid.party.models import Field, IndicatorSet, Organisation, Rating, RatingFile, RatingStatus
from civicgrid.party.testing.ratings import indicator_rows, make_set, score_all, submitted
from civicgrid.testing import TEST_PASSWORD

YEAR, QUARTER = actions.current_quarter()


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path


@pytest.fixture
def rset(world):
    return make_set(world.staff.admin)


def signed_in(client, user):
    client.force_login(user)
    return client


def state():
    return (
        list(Rating.objects.order_by("pk").values()),
        list(RatingFile.objects.values_list("pk", flat=True)),
        list(Organisation.objects.order_by("pk").values_list("stars", flat=True)),
        IndicatorSet.objects.count(),
    )


def test_list_pages(client, world, rset):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    page = signed_in(client, p.branch_secretary).get(reverse("party:ratings"))
    assert page.status_code == 200 and p.g1.name in page.content.decode()
    page = signed_in(client, p.instructor).get(reverse("party:ratings"))
    assert reverse("party:rating", args=[rating.pk]) in page.content.decode()
    for user in (p.member1, world.staff.resident):
        assert signed_in(client, user).get(reverse("party:ratings")).status_code == 404
    assert signed_in(client, p.c2_secretary).get(reverse("party:rating", args=[rating.pk])).status_code == 404


def test_open_from_the_list(client, world, rset):
    p = world.party
    c = signed_in(client, p.branch_secretary)
    url = reverse("party:ratings")
    before = state()
    for data in ({"organisation": "abc"}, {"organisation": p.g1.pk, "year": YEAR, "quarter": "7"}):
        assert c.post(url, data).status_code == 400
    assert c.post(url, {"organisation": p.c2.pk, "year": YEAR, "quarter": QUARTER}).status_code == 404
    assert state() == before
    answer = c.post(url, {"organisation": p.g1.pk, "year": YEAR, "quarter": QUARTER})
    assert answer.status_code == 302 and Rating.objects.filter(organisation=p.g1).exists()


def test_evidence_and_review_through_the_pages(client, world, rset):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    items = list(rating.items.select_related("indicator").order_by("indicator__order"))
    url = reverse("party:rating", args=[rating.pk])
    c = signed_in(client, p.branch_secretary)
    page = c.get(url)
    assert page.status_code == 200 and 'id="evidence-form"' in page.content.decode()
    # Missing required evidence: 400, nothing written (the typed text is kept in the form).
    answer = c.post(url, {f"evidence_{items[0].pk}": "主题党日", "step": "submit"})
    assert answer.status_code == 400 and "主题党日" in answer.content.decode()
    assert Rating.objects.get(pk=rating.pk).items.get(pk=items[0].pk).evidence == ""
    photo = SimpleUploadedFile("党日.jpg", jpeg_bytes(), content_type="image/jpeg")
    data = {f"evidence_{items[0].pk}": "主题党日", f"evidence_{items[1].pk}": "三会一课记录", "step": "submit"}
    data[f"files_{items[0].pk}"] = photo
    assert c.post(url, data).status_code == 302
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.SUBMITTED
    row = RatingFile.objects.get()
    assert c.get(reverse("party:rating_file", args=[row.pk])).status_code == 200
    # The reviewer scores.
    r = signed_in(client, p.instructor)
    assert 'id="score-form"' in r.get(url).content.decode()
    review = reverse("party:rating_review", args=[rating.pk])
    scores = {f"score_{i.pk}": str(i.indicator.points) if i.indicator.kind == "positive" else "0" for i in items}
    bad = dict(scores, **{f"score_{items[0].pk}": "41"}, step="finish")
    before = state()
    assert r.post(review, bad).status_code == 400
    assert r.post(review, dict(scores, step="dance")).status_code == 400
    assert state() == before
    assert r.post(review, dict(scores, step="finish")).status_code == 302
    done = Rating.objects.get(pk=rating.pk)
    assert (done.status, done.total) == (RatingStatus.SCORED, Decimal("100.0"))
    # Read-only for another reader; the history lists it.
    page = signed_in(client, p.street_secretary).get(url)
    assert 'id="items-table"' in page.content.decode()
    assert signed_in(client, p.c1_secretary).get(reverse("party:rating_history", args=[p.g1.pk])).status_code == 200


def test_out_of_reach_is_404_and_changes_nothing(client, world, rset):
    p = world.party
    rating = submitted(p.branch_secretary, p.g1)
    item = rating.items.first()
    photo = RatingFile.objects.none()
    before = state()
    for user in (p.c2_secretary, p.member1, world.staff.resident, p.organ_secretary):
        c = signed_in(client, user)
        assert c.get(reverse("party:rating", args=[rating.pk])).status_code == 404
        assert c.post(reverse("party:rating", args=[rating.pk]), {f"evidence_{item.pk}": "x"}).status_code == 404
        answer = c.post(reverse("party:rating_review", args=[rating.pk]), {f"score_{item.pk}": "1", "step": "save"})
        assert answer.status_code == 404
        assert c.get(reverse("party:rating_history", args=[p.g1.pk])).status_code == 404
        assert c.get(reverse("party:rating_file", args=[999999])).status_code == 404
    # A reviewer may not write evidence; a leader may not score (both 404 on the other's form).
    c = signed_in(client, p.instructor)
    assert c.post(reverse("party:rating", args=[rating.pk]), {f"evidence_{item.pk}": "x"}).status_code == 404
    c = signed_in(client, p.branch_secretary)
    answer = c.post(reverse("party:rating_review", args=[rating.pk]), {f"score_{item.pk}": "1", "step": "save"})
    assert answer.status_code == 404
    assert state() == before
    assert photo.count() == 0
    assert signed_in(client, p.instructor).get(reverse("party:rating", args=[99999999])).status_code == 404


def test_bad_evidence_posts_answer_400(client, world, rset):
    p = world.party
    rating = actions.open_rating(p.branch_secretary, p.g1.pk, YEAR, QUARTER)
    item = rating.items.first()
    url = reverse("party:rating", args=[rating.pk])
    c = signed_in(client, p.branch_secretary)
    before = state()
    for data in (
        {f"evidence_{item.pk}": "a\x00b"},
        {"remove_file": "x"},
        {f"files_{item.pk}": SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image")},
        {"remove_file": "12345678901234567890"},
    ):
        assert c.post(url, data).status_code in (400, 404), data
    assert state() == before


def test_close_page(client, world, rset):
    p = world.party
    rating = score_all(p.instructor, submitted(p.branch_secretary, p.g1), Decimal(95))
    url = reverse("party:rating_close")
    c = signed_in(client, p.street_secretary)
    assert c.get(url).status_code == 200
    before = state()
    assert c.post(url, {"field": "moon", "year": YEAR, "quarter": QUARTER}).status_code == 400
    assert c.post(url, {"field": Field.COMMUNITY, "year": "x", "quarter": QUARTER}).status_code == 400
    assert (
        signed_in(client, p.c2_secretary)
        .post(url, {"field": Field.COMMUNITY, "year": YEAR, "quarter": QUARTER})
        .status_code
        == 404
    )
    assert signed_in(client, p.member1).get(url).status_code == 404
    assert state() == before
    c = signed_in(client, p.street_secretary)
    assert c.post(url, {"field": Field.COMMUNITY, "year": YEAR, "quarter": QUARTER}).status_code == 302
    assert Organisation.objects.get(pk=p.g1.pk).stars == 1
    assert c.post(url, {"field": Field.COMMUNITY, "year": YEAR, "quarter": QUARTER}).status_code == 400
    assert Organisation.objects.get(pk=p.g1.pk).stars == 1
    assert Rating.objects.get(pk=rating.pk).selected


def test_indicator_set_pages(client, world):
    p = world.party
    url = reverse("party:indicator_sets")
    c = signed_in(client, world.staff.admin)
    assert c.get(url).status_code == 200
    rows = indicator_rows()
    data = {
        "field": Field.RURAL,
        "name": "农村五星支部指标",
        "valid_from": "2025-01-01",
        "is_active": "on",
        "up_at": "90",
        "down_below": "60",
        "select_top": "50",
        "ind_title": [r["title"] for r in rows],
        "ind_points": [r["points"] for r in rows],
        "ind_kind": [r["kind"] for r in rows],
        "ind_evidence": ["1" if r["evidence_required"] else "0" for r in rows],
        "ind_hint": [r["hint"] for r in rows],
    }
    for change in (
        {"valid_from": "2025-13-45"},
        {"up_at": "abc"},
        {"ind_points": ["40", "40", "10", "10"]},
        {"ind_hint": ["a"]},
    ):
        answer = c.post(url, dict(data, **change))
        assert answer.status_code == 400, change
    assert not IndicatorSet.objects.exists()
    assert signed_in(client, p.branch_secretary).post(url, data).status_code == 404
    assert not IndicatorSet.objects.exists()
    c = signed_in(client, world.staff.admin)
    assert c.post(url, data).status_code == 302
    made = IndicatorSet.objects.get()
    assert made.indicators.count() == 4
    page = c.get(reverse("party:indicator_set", args=[made.pk]))
    assert page.status_code == 200 and "三会一课" in page.content.decode()
    assert c.post(reverse("party:indicator_set", args=[made.pk]), dict(data, name="新名称")).status_code == 302
    assert IndicatorSet.objects.get().name == "新名称"
    assert signed_in(client, p.branch_secretary).get(reverse("party:indicator_set", args=[made.pk])).status_code == 200
    assert (
        signed_in(client, world.staff.resident).get(reverse("party:indicator_set", args=[made.pk])).status_code == 404
    )
    assert c.get(reverse("party:indicator_set", args=[99999])).status_code == 404


def test_stars_board_is_for_everyone_signed_in(client, world, rset):
    p = world.party
    Organisation.objects.filter(pk=p.g1.pk).update(stars=4)
    for user in (world.staff.resident, p.member1, world.staff.dept):
        page = signed_in(client, user).get(reverse("party:stars_board"))
        assert page.status_code == 200 and p.g1.name in page.content.decode()
        assert "member2" not in page.content.decode()  # members never appear
    assert client.get(reverse("party:stars_board") + "?field=<script>").status_code == 400
    assert client.get(reverse("party:stars_board") + "?field=rural").status_code == 200
    client.logout()
    assert client.get(reverse("party:stars_board")).status_code == 302
    assert TEST_PASSWORD
