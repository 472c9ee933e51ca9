"""Micro-wishes: post, check, claim, fulfil with a photo, confirm, rate."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from civicgrid.cases.tests.media_files import jpeg
from civicgrid.volunteers import actions, selectors
from civicgrid.volunteers import events as volunteer_events
from civicgrid.volunteers.models import ClaimerKind, Feedback, Wish, WishStatus

from .conftest import capture, open_wish, team, volunteer


def state():
    return list(Wish.objects.values_list("pk", "status", "claimer_kind", "claimed_by", "photo").order_by("pk"))


def test_the_whole_loop(world):
    p = world.people
    v = volunteer(world, p.resident)
    wish = actions.post_wish(p.resident3, title="想要一台收音机", description="听戏")
    assert wish.status == WishStatus.PENDING
    assert not selectors.wall(p.resident).filter(pk=wish.pk).exists()  # not before the check
    actions.review_wish(p.community, wish.pk, approve=True)
    assert selectors.wall(p.resident).filter(pk=wish.pk).exists()
    assert not selectors.wall(p.outsider).filter(pk=wish.pk).exists()
    actions.claim_wish(p.resident, wish.pk)
    wish = actions.fulfil_wish(p.resident, wish.pk, photo=jpeg(), note="已送到")
    assert wish.status == WishStatus.FULFILLED and wish.photo
    with capture() as seen:
        actions.confirm_wish(p.resident3, wish.pk)
    done = [e for e in seen if isinstance(e, volunteer_events.WishFulfilled)]
    assert done and done[0].claimer_kind == ClaimerKind.VOLUNTEER and done[0].claimer_id == v.pk
    with capture() as seen:
        actions.give_feedback(p.resident3, wish.pk, stars=5, comment="谢谢")
    assert [e for e in seen if isinstance(e, volunteer_events.FeedbackGiven)][0].volunteer_id == v.pk
    with pytest.raises(ValidationError):
        actions.give_feedback(p.resident3, wish.pk, stars=5)
    assert Feedback.objects.count() == 1


def test_team_and_partner_claims(world):
    p = world.people
    t = team(world)
    volunteer(world, p.resident, team=t)
    first = open_wish(world)
    assert actions.claim_wish(p.resident, first.pk, for_team=True).claimer_team == t
    second = open_wish(world, title="换灯泡")
    wish = actions.claim_for_partner(p.community, second.pk, kind="enterprise", name="幸福超市")
    assert wish.claimer_kind == ClaimerKind.ENTERPRISE and wish.claimer_partner.name == "幸福超市"
    assert actions.fulfil_wish(p.community, second.pk, photo=jpeg()).status == WishStatus.FULFILLED


def test_bad_input_changes_nothing(world):
    p = world.people
    volunteer(world, p.resident)
    wish = open_wish(world)
    before = state()
    for kwargs in ({"title": ""}, {"title": "x" * 61}, {"title": "a\x07"}, {"title": "打我电话 138 0000 1111"}):
        with pytest.raises(ValidationError):
            actions.post_wish(p.resident3, **kwargs)
    with pytest.raises(ValidationError):
        actions.post_wish(p.community, title="员工")  # not a resident
    actions.claim_wish(p.resident, wish.pk)
    before = state()
    for photo in (None, SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")):
        with pytest.raises(ValidationError):
            actions.fulfil_wish(p.resident, wish.pk, photo=photo)
    with pytest.raises(ValidationError):
        actions.give_feedback(p.resident3, wish.pk, stars=9)
    with pytest.raises(ValidationError):
        actions.confirm_wish(p.resident3, wish.pk)  # not fulfilled yet
    assert state() == before


def test_scope_and_permissions(world):
    p = world.people
    volunteer(world, p.resident)
    pending = actions.post_wish(p.resident3, title="待审核")
    before = state()
    for user in (p.neighbour_staff, p.resident, p.grid):
        with pytest.raises(Wish.DoesNotExist):
            actions.review_wish(user, pending.pk, approve=True)
    with pytest.raises(Wish.DoesNotExist):  # not on the wall yet
        actions.claim_wish(p.resident, pending.pk)
    wish = open_wish(world, title="上墙")
    before = state()
    with pytest.raises(Wish.DoesNotExist):  # another community's volunteer
        actions.claim_wish(p.outsider, wish.pk)
    with pytest.raises(ValidationError):  # not a volunteer
        actions.claim_wish(p.resident2, wish.pk)
    with pytest.raises(ValidationError):  # one's own wish
        volunteer(world, p.resident3)
        actions.claim_wish(p.resident3, wish.pk)
    with pytest.raises(Wish.DoesNotExist):
        actions.claim_for_partner(p.neighbour_staff, wish.pk, kind="enterprise", name="x")
    with pytest.raises(Wish.DoesNotExist):
        actions.confirm_wish(p.resident, wish.pk)  # not the author
    with pytest.raises(Wish.DoesNotExist):
        actions.fulfil_wish(p.resident2, wish.pk, photo=jpeg())
    assert state() == before
    actions.claim_wish(p.resident, wish.pk)
    with pytest.raises(ValidationError):  # claimed already
        actions.claim_for_partner(p.community, wish.pk, kind="enterprise", name="x")


def test_the_wall_never_shows_addresses_or_phones(world, client):
    p = world.people
    wish = open_wish(world)
    client.force_login(p.resident)
    body = client.get("/volunteers/wishes/").content.decode()
    assert wish.title in body
    assert p.resident3.phone not in body and p.resident3.username not in body
    assert "B1" not in body
