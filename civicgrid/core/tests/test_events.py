"""The event spine (civicgrid.core.events): two phases, subscription by class, rollback safety."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from civicgrid.core import events


@dataclass(frozen=True)
class ThingHappened(events.DomainEvent):
    """A test event."""

    thing_id: int


@dataclass(frozen=True)
class ThingClosed(ThingHappened):
    """A more specific test event."""


@pytest.fixture
def heard():
    seen = {"now": [], "later": [], "any": []}
    listeners = [
        (ThingHappened, lambda e: seen["any"].append(e), events.IN_TRANSACTION),
        (ThingClosed, lambda e: seen["now"].append(e), events.IN_TRANSACTION),
        (ThingClosed, lambda e: seen["later"].append(e), events.ON_COMMIT),
    ]
    for event_type, listener, phase in listeners:
        events.subscribe(event_type, listener, phase=phase)
    yield seen
    for event_type, listener, phase in listeners:
        events.unsubscribe(event_type, listener, phase=phase)


@pytest.mark.django_db(transaction=True)
def test_in_transaction_listeners_run_at_once_and_on_commit_ones_after_the_commit(heard):
    with transaction.atomic():
        events.publish(ThingClosed(thing_id=1))
        assert heard["now"] == [ThingClosed(1)] and heard["any"] == [ThingClosed(1)]
        assert heard["later"] == []
    assert heard["later"] == [ThingClosed(1)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_announced_and_its_listeners_writes_roll_back_too(heard):
    def write(event):
        Group.objects.create(name=f"thing {event.thing_id}")

    events.subscribe(ThingClosed, write, phase=events.IN_TRANSACTION)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish(ThingClosed(thing_id=2))
            assert Group.objects.filter(name="thing 2").exists()
            raise RuntimeError("the action failed after publishing")
    finally:
        events.unsubscribe(ThingClosed, write, phase=events.IN_TRANSACTION)
    assert heard["later"] == []
    assert not Group.objects.filter(name="thing 2").exists()


@pytest.mark.django_db(transaction=True)
def test_a_base_class_subscription_hears_every_subclass_once(heard):
    events.publish(ThingHappened(thing_id=3))
    assert heard["any"] == [ThingHappened(3)] and heard["now"] == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_on_commit_listener_is_logged_and_the_others_still_run(heard, caplog):
    def broken(event):
        raise ValueError("boom")

    events.subscribe(ThingClosed, broken, phase=events.ON_COMMIT)
    try:
        with transaction.atomic():
            events.publish(ThingClosed(thing_id=4))
    finally:
        events.unsubscribe(ThingClosed, broken, phase=events.ON_COMMIT)
    assert heard["later"] == [ThingClosed(4)]
    assert "boom" in caplog.text


def test_only_domain_events_are_published_or_subscribed():
    with pytest.raises(TypeError):
        events.publish({"type": "closed"})
    with pytest.raises(TypeError):
        events.subscribe(dict, print)
    with pytest.raises(ValueError):
        events.subscribe(ThingClosed, print, phase="later")


@pytest.mark.django_db(transaction=True)
def test_quiet_keeps_the_in_transaction_listeners_and_drops_the_after_commit_ones(heard):
    with events.quiet(), transaction.atomic():
        events.publish(ThingClosed(thing_id=5))
    assert heard["now"] == [ThingClosed(5)] and heard["later"] == []
    events.publish(ThingClosed(thing_id=6))
    assert heard["later"] == [ThingClosed(6)]
