"""The actions: organising, signing up with a waitlist, eligibility, permissions (nothing changed
when refused), and bad input."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.activities import actions, selectors
from civicgrid.activities.events import ActivityPublished, SignedUp, SignUpCancelled
from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus, Status
from civicgrid.activities.tests.conftest import activity_fields, published, running
from civicgrid.core import events
from civicgrid.core.models import ObjectChange


def state():
    """Everything the app stores, to compare before and after a refusal."""
    return (
        list(Activity.objects.order_by("pk").values()),
        list(Enrolment.objects.order_by("pk").values()),
        ObjectChange.objects.count(),
    )


@pytest.fixture
def heard():
    got = []

    def listen(event):
        got.append(event)

    for kind in (ActivityPublished, SignedUp, SignUpCancelled, events.MessageSent):
        events.subscribe(kind, listen, phase=events.IN_TRANSACTION)
    yield got
    for kind in (ActivityPublished, SignedUp, SignUpCancelled, events.MessageSent):
        events.unsubscribe(kind, listen, phase=events.IN_TRANSACTION)


def test_create_publish_and_sign_up(world, heard):
    p = world.people
    activity = actions.save_activity(p.community, Activity(), **activity_fields(world))
    assert activity.status == Status.DRAFT and activity.region_code == world.tree["S1C1"].code
    assert not selectors.for_resident(p.resident).exists()  # a draft is not shown
    actions.publish_activity(p.community, activity.pk)
    assert list(selectors.for_resident(p.resident)) == [Activity.objects.get(pk=activity.pk)]
    enrolment = actions.sign_up(p.resident, activity.pk)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1
    # Signing up twice changes nothing.
    again = actions.sign_up(p.resident, activity.pk)
    assert again.pk == enrolment.pk and Activity.objects.get(pk=activity.pk).seats_taken == 1
    kinds = [type(e).__name__ for e in heard]
    assert kinds == ["ActivityPublished", "SignedUp"]
    assert ObjectChange.objects.filter(object_id=str(activity.pk)).exists()


def test_waitlist_and_promotion_on_cancel(world, heard):
    p = world.people
    activity = published(world, capacity=2)
    first = actions.sign_up(p.resident, activity.pk)
    actions.sign_up(p.resident2, activity.pk)
    waiting = actions.sign_up(p.resident3, activity.pk)
    assert waiting.status == EnrolmentStatus.WAITLISTED
    assert selectors.waitlist_position(waiting) == 1
    heard.clear()
    actions.cancel_sign_up(p.resident, activity.pk)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == EnrolmentStatus.CANCELLED and waiting.status == EnrolmentStatus.CONFIRMED
    assert Activity.objects.get(pk=activity.pk).seats_taken == 2
    messages = [e for e in heard if isinstance(e, events.MessageSent)]
    assert len(messages) == 1 and messages[0].user_ids == (p.resident3.pk,) and messages[0].topic == "activities"
    assert messages[0].url == f"/activities/{activity.pk}/"
    cancelled = [e for e in heard if isinstance(e, SignUpCancelled)]
    assert cancelled[0].promoted_user_id == p.resident3.pk
    # Signing up again after cancelling: the end of the waitlist.
    back = actions.sign_up(p.resident, activity.pk)
    assert back.pk == first.pk and back.status == EnrolmentStatus.WAITLISTED


def test_larger_capacity_promotes_the_waitlist(world):
    p = world.people
    activity = published(world, capacity=1)
    actions.sign_up(p.resident, activity.pk)
    waiting = actions.sign_up(p.resident2, activity.pk)
    actions.save_activity(p.community, activity, **activity_fields(world, capacity=2))
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED


def test_capacity_cannot_drop_below_the_seats_taken(world):
    p = world.people
    activity = published(world, capacity=2)
    actions.sign_up(p.resident, activity.pk)
    actions.sign_up(p.resident2, activity.pk)
    before = state()
    with pytest.raises(ValidationError) as error:
        actions.save_activity(p.community, activity, **activity_fields(world, capacity=1))
    assert "capacity" in error.value.message_dict
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"capacity": 10**9}, "capacity"),
        ({"title": ""}, "title"),
        ({"title": "a" * 101}, "title"),
        ({"title": "节日\x00活动"}, "title"),
        ({"description": "说明\x1b[31m"}, "description"),
        ({"description": "长" * 5001}, "description"),
        ({"place": ""}, "place"),
        ({"lat": 95.0}, "lat"),
        ({"lat": None}, "lat"),
        ({"min_age": 70, "max_age": 60}, "max_age"),
        ({"min_age": 200}, "min_age"),
        ({"tag_code": "no-such-tag"}, "tag_code"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, overrides, field):
    before = state()
    with pytest.raises(ValidationError) as error:
        actions.save_activity(world.people.community, Activity(), **activity_fields(world, **overrides))
    assert field in error.value.message_dict, error.value.message_dict
    assert state() == before


def test_dates_must_make_sense(world):
    starts = timezone.now() + timedelta(days=1)
    before = state()
    with pytest.raises(ValidationError) as error:
        actions.save_activity(
            world.people.community,
            Activity(),
            **activity_fields(
                world,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                signup_deadline=starts + timedelta(minutes=5),
            ),
        )
    assert error.value.message_dict["signup_deadline"] == ["报名截止时间不能晚于活动开始时间。"]
    with pytest.raises(ValidationError) as error:
        actions.save_activity(
            world.people.community, Activity(), **activity_fields(world, starts_at=starts, ends_at=starts)
        )
    assert "ends_at" in error.value.message_dict
    assert state() == before


def test_staff_of_another_community_change_nothing(world):
    p = world.people
    activity = published(world)
    actions.sign_up(p.resident, activity.pk)
    before = state()
    for attempt in (
        lambda: actions.cancel_activity(p.neighbour_staff, activity.pk),
        lambda: actions.finish_activity(p.neighbour_staff, activity.pk),
        lambda: actions.save_activity(p.neighbour_staff, activity, **activity_fields(world, title="改")),
        lambda: actions.check_in_by_staff(p.neighbour_staff, activity.pk, "123456"),
        lambda: actions.publish_activity(p.grid, activity.pk),
    ):
        with pytest.raises((Activity.DoesNotExist, ValidationError)):
            attempt()
    # Nor may anyone organise for a region outside their subtree.
    with pytest.raises(ValidationError):
        actions.save_activity(p.neighbour_staff, Activity(), **activity_fields(world))
    with pytest.raises(ValidationError):
        actions.save_activity(p.resident, Activity(), **activity_fields(world))
    assert state() == before


def test_resident_of_another_community_cannot_see_or_sign_up(world):
    p = world.people
    activity = published(world)
    before = state()
    assert not selectors.for_resident(p.outsider).filter(pk=activity.pk).exists()
    with pytest.raises(Activity.DoesNotExist):
        actions.sign_up(p.outsider, activity.pk)
    with pytest.raises(Activity.DoesNotExist):
        actions.sign_up(p.community, activity.pk)  # staff hold no resident role
    assert state() == before


def test_street_activity_is_open_to_every_community_of_the_street(world):
    p = world.people
    activity = published(world, by=p.street, region=world.tree["S1"])
    assert selectors.for_resident(p.outsider).filter(pk=activity.pk).exists()
    assert actions.sign_up(p.outsider, activity.pk).status == EnrolmentStatus.CONFIRMED
    # A grid's activity is shown to the community but only its grid's residents may sign up.
    grid_activity = published(world, region=world.tree["S1C1G1"])
    assert selectors.for_resident(p.resident).filter(pk=grid_activity.pk).exists()
    with pytest.raises(ValidationError):
        actions.sign_up(p.resident, grid_activity.pk)


def test_deadline_and_status(world):
    p = world.people
    activity = published(world)
    Activity.objects.filter(pk=activity.pk).update(signup_deadline=timezone.now() - timedelta(minutes=1))
    before = state()
    with pytest.raises(ValidationError, match="报名已截止"):
        actions.sign_up(p.resident, activity.pk)
    assert state() == before
    draft = actions.save_activity(p.community, Activity(), **activity_fields(world))
    with pytest.raises(Activity.DoesNotExist):
        actions.sign_up(p.resident, draft.pk)


def test_age_and_tag_eligibility_from_base_data(world):
    from civicgrid.people.models import PersonTag, Tag
    from civicgrid.people.testing import add_person, make_building

    p = world.people
    house = make_building(world.tree["S1C1G1M1"], code="B1").houses.order_by("pk").first()
    person = add_person(p.community, house, name="张大爷", id_number=None, phone="13800000001")
    from civicgrid.people.models import Person

    Person.objects.filter(pk=person.pk).update(birth_date=timezone.now().date().replace(year=1950))
    tag = Tag.objects.create(code="elderly", name="老年人")
    old_only = published(world, min_age=60, tag_code="")
    assert actions.sign_up(p.resident, old_only.pk).status == EnrolmentStatus.CONFIRMED
    # resident2 is not in base data: refused with a clear message.
    with pytest.raises(ValidationError, match="没有找到您的登记"):
        actions.sign_up(p.resident2, old_only.pk)
    young_only = published(world, max_age=30)
    with pytest.raises(ValidationError, match="年龄要求"):
        actions.sign_up(p.resident, young_only.pk)
    tagged = published(world, tag_code="elderly")
    with pytest.raises(ValidationError, match="特定人群"):
        actions.sign_up(p.resident, tagged.pk)
    PersonTag.objects.create(person=person, tag=tag)
    assert actions.sign_up(p.resident, tagged.pk).status == EnrolmentStatus.CONFIRMED


def test_cancel_activity_tells_everyone(world, heard):
    p = world.people
    activity = published(world, capacity=1)
    actions.sign_up(p.resident, activity.pk)
    actions.sign_up(p.resident2, activity.pk)
    heard.clear()
    actions.cancel_activity(p.community, activity.pk)
    assert Activity.objects.get(pk=activity.pk).status == Status.CANCELLED
    message = next(e for e in heard if isinstance(e, events.MessageSent))
    assert set(message.user_ids) == {p.resident.pk, p.resident2.pk}
    with pytest.raises(Activity.DoesNotExist):  # a cancelled activity is no longer shown
        actions.sign_up(p.resident3, activity.pk)


def test_finish_records_no_shows_and_the_job_finishes_old_ones(world):
    p = world.people
    activity = running(world, capacity=3)
    Enrolment.objects.bulk_create([])
    for resident in (p.resident, p.resident2):
        Enrolment.objects.create(
            activity=activity,
            user=resident,
            status=EnrolmentStatus.CONFIRMED,
            queued_at=timezone.now(),
            region_code=activity.region_code,
        )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=2)
    actions.check_in(p.community, Enrolment.objects.get(user=p.resident).pk, "staff")
    with pytest.raises(ValidationError):
        actions.finish_activity(p.community, published(world).pk)  # not started yet
    actions.finish_activity(p.community, activity.pk, summary="顺利。")
    assert Enrolment.objects.get(user=p.resident2, activity=activity).no_show is True
    assert Enrolment.objects.get(user=p.resident, activity=activity).no_show is False
    old = running(world)
    Activity.objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - timedelta(hours=6), ends_at=timezone.now() - timedelta(hours=5)
    )
    assert actions.finish_due_activities() == "1 activities finished"
    assert Activity.objects.get(pk=old.pk).status == Status.FINISHED


def test_summary_refuses_control_characters(world):
    activity = running(world)
    actions.finish_activity(world.people.community, activity.pk)
    before = state()
    with pytest.raises(ValidationError):
        actions.save_summary(world.people.community, activity.pk, "总结\x07")
    assert state() == before
    actions.save_summary(world.people.community, activity.pk, "很好")
    assert Activity.objects.get(pk=activity.pk).summary == "很好"


def test_photos_go_through_the_case_upload_checks(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicgrid.activities.models import Photo
    from civicgrid.cases.tests.media_files import jpeg

    activity = running(world)
    with pytest.raises(ValidationError):
        actions.add_photos(
            world.people.community, activity.pk, [SimpleUploadedFile("x.jpg", b"<html>no</html>", "image/jpeg")]
        )
    assert not Photo.objects.exists()
    saved = actions.add_photos(world.people.community, activity.pk, [jpeg()])
    assert len(saved) == 1 and saved[0].content_type == "image/jpeg"
