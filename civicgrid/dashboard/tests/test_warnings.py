"""Each warning rule fires once per subject, does not fire again while open or acknowledged, is
cleared when its condition goes away, and runs its action (notify, escalate, task)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.cases.models import Case, HandlingLevel, Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.dashboard import rollups, warnings
from civicgrid.dashboard.models import FiringStatus, RuleAction, RuleKind, Task, WarningFiring, WarningRule
from civicgrid.notifications.models import Notification


def rule(kind, threshold=0, action=RuleAction.TASK, **kwargs):
    return WarningRule.objects.create(name=f"规则 {kind}", kind=kind, threshold=threshold, action=action, **kwargs)


def fire_twice(now=None):
    first = warnings.run_rules(now)
    second = warnings.run_rules(now)
    return first, second


def test_overdue_fires_once_then_clears(world):
    case = report(world)
    r = rule(RuleKind.NEAR_DUE, threshold=0)
    assert warnings.run_rules()["fired"] == 0  # not due yet
    later = timezone.now() + timedelta(days=30)
    first, second = fire_twice(later)
    assert (first["fired"], second["fired"]) == (1, 0)
    firing = WarningFiring.objects.get(rule=r)
    assert firing.case_id == case.pk and firing.status == FiringStatus.OPEN
    assert Task.objects.get(firing=firing).title == firing.message
    warnings.acknowledge(world.people.community, firing.pk, "已电话督促")
    assert warnings.run_rules(later)["fired"] == 0  # acknowledged: still not re-fired
    Case.objects.filter(pk=case.pk).update(step_due_at=later + timedelta(days=1))
    assert warnings.run_rules(later)["cleared"] == 1
    firing.refresh_from_db()
    assert firing.status == FiringStatus.CLEARED


def test_near_due_yellow(world):
    report(world)
    rule(RuleKind.NEAR_DUE, threshold=1)
    first, second = fire_twice(timezone.now() + timedelta(days=30))
    assert (first["fired"], second["fired"]) == (1, 0)


def test_grid_with_too_many_open_cases(world):
    for _ in range(3):
        report(world)
    report(world, where="S1C1G2M1")
    r = rule(RuleKind.GRID_OPEN, threshold=2)
    first, second = fire_twice()
    assert (first["fired"], second["fired"]) == (1, 0)
    assert WarningFiring.objects.get(rule=r).region_code == world.tree["S1C1G1"].code


def test_hotspot_of_one_category(world):
    for _ in range(3):
        report(world, code="S05001")
    report(world, code="S05001", where="S2C1G1M1")  # far away
    report(world, code="S01001")  # same place, another category
    r = rule(RuleKind.HOTSPOT, threshold=3, radius_m=100, days=7)
    first, second = fire_twice()
    assert (first["fired"], second["fired"]) == (1, 0)
    firing = WarningFiring.objects.get(rule=r)
    assert "3" in firing.message and firing.lat is not None


def test_department_on_time_rate(world):
    make_case(world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT)
    rollups.check()
    r = rule(RuleKind.DEPARTMENT_ON_TIME, threshold=50, days=7)
    first, second = fire_twice()
    assert (first["fired"], second["fired"]) == (1, 0)
    assert world.cg.name in WarningFiring.objects.get(rule=r).message


def _elderly_alone(world, name="张大爷"):
    """A man of 82 living alone, tagged so, in S1C1G1 — registered through the people actions."""
    from datetime import date

    from civicgrid.people import actions as people_actions
    from civicgrid.people.testing import add_person, make_building, make_id_number

    house = make_building(world.tree["S1C1G1"], code=f"E{name}").houses.first()
    person = add_person(world.people.grid, house, name=name, id_number=make_id_number(birth=date(1944, 3, 1)))
    people_actions.set_tags(world.people.grid, person, ["elderly_alone"])
    return person


def test_elderly_rule_finds_nobody_when_nobody_is_alone(world):
    rule(RuleKind.ELDERLY_NOT_VISITED, threshold=7)
    assert warnings.run_rules() == {"fired": 0, "cleared": 0}


def test_elderly_rule_fires_once_for_someone_not_visited_and_clears_after_a_visit(world):
    from civicgrid.people import actions as people_actions

    person = _elderly_alone(world)
    r = rule(RuleKind.ELDERLY_NOT_VISITED, threshold=7)
    first, second = fire_twice()
    assert (first["fired"], second["fired"]) == (1, 0)
    firing = WarningFiring.objects.get(rule=r)
    assert firing.region_code == world.tree["S1C1G1"].code and "张**" in firing.message
    # The grid worker knocks on the door: the household is verified, the condition goes away.
    people_actions.verify_house(world.people.grid, person.house, usage="self", present_ids=[person.pk])
    assert warnings.run_rules()["cleared"] == 1


def test_elderly_warning_on_shared_screens_masks_the_name_and_never_names_the_group(
    world, client, django_capture_on_commit_callbacks
):
    """The wall screen, the task list and the notification show 张** and 重点关爱对象, never 张大爷
    nor 独居老人, even to a viewer cleared for the tag (a wall screen is seen by the whole room)."""
    _elderly_alone(world)
    rule(RuleKind.ELDERLY_NOT_VISITED, threshold=7, action=RuleAction.NOTIFY, notify_role=Role.COMMUNITY_STAFF)
    rule(RuleKind.ELDERLY_NOT_VISITED, threshold=7, action=RuleAction.TASK)
    with django_capture_on_commit_callbacks(execute=True):
        warnings.run_rules()
    shown = [*WarningFiring.objects.values_list("message", flat=True), *Task.objects.values_list("title", flat=True)]
    shown += list(Notification.objects.filter(kind="warning").values_list("title", flat=True))
    client.force_login(world.people.community)  # cleared for 独居老人 in its community
    response = client.get(reverse("dashboard:warnings"))
    assert response.status_code == 200
    shown.append(json.dumps(response.json(), ensure_ascii=False))
    assert len(shown) >= 4
    for text in shown:
        assert "张大爷" not in text and "独居老人" not in text
    assert "张**" in shown[-1] and "重点关爱对象" in shown[-1]


def test_notify_action_tells_the_role(world, django_capture_on_commit_callbacks):
    report(world)
    rule(RuleKind.NEAR_DUE, action=RuleAction.NOTIFY, notify_role=Role.STREET_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        warnings.run_rules(timezone.now() + timedelta(days=30))
    recipients = set(Notification.objects.filter(kind="warning").values_list("recipient__username", flat=True))
    assert recipients == {"street", "street2"}
    assert "2" in WarningFiring.objects.get().action_result


def test_escalate_action_whistles_through_the_case_actions(world):
    case = make_case(world, Status.HANDLING)
    rule(RuleKind.NEAR_DUE, action=RuleAction.ESCALATE)
    warnings.run_rules(timezone.now() + timedelta(days=30))
    case.refresh_from_db()
    assert case.escalation_count == 1 and case.handling_level == HandlingLevel.COMMUNITY
    assert not any(rollups.check().values())


def test_acknowledge_in_scope_only(world, client):
    report(world)
    rule(RuleKind.NEAR_DUE)
    warnings.run_rules(timezone.now() + timedelta(days=30))
    firing = WarningFiring.objects.get()
    client.force_login(world.people.street_neighbour)
    url = reverse("dashboard:acknowledge", args=[firing.pk])
    assert client.post(url).status_code == 404
    firing.refresh_from_db()
    assert firing.status == FiringStatus.OPEN and firing.acknowledged_by is None
    client.force_login(world.people.street)
    refused = client.post(url, {"note": "已\x01处理"})
    assert refused.status_code == 400 and "控制字符" in refused.json()["error"]
    firing.refresh_from_db()
    assert firing.status == FiringStatus.OPEN and firing.acknowledged_by is None
    assert client.post(url, {"note": "已处理"}).json()["status"] == FiringStatus.ACKNOWLEDGED
    assert client.post(url).status_code == 409
    firing.refresh_from_db()
    assert (firing.acknowledged_by, firing.acknowledge_note) == (world.people.street, "已处理")
    shown = client.get(reverse("dashboard:warnings")).json()
    assert shown["rows"][0]["id"] == firing.pk and shown["counts"]["acknowledged"] == 1
    task = Task.objects.get()
    assert client.post(reverse("dashboard:task_done", args=[task.pk])).json()["done"] is True
    assert client.post(reverse("dashboard:task_done", args=[task.pk])).status_code == 409


@pytest.mark.parametrize("once", [True])
def test_scheduler_runs_the_rules(world, once):
    from django.core.management import call_command

    report(world)
    rule(RuleKind.GRID_OPEN, threshold=0)
    call_command("run_scheduler", "--once")
    assert WarningFiring.objects.count() == 1


def test_warnings_fired_before_masking_are_rewritten(world):
    """Migration 0002 masks the name and the tag of elderly warnings already stored."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("civicgrid.dashboard.migrations.0002_mask_elderly_warnings")
    r = rule(RuleKind.ELDERLY_NOT_VISITED, threshold=30)
    firing = WarningFiring.objects.create(
        rule=r, key="person:1", message="独居老人 欧阳娜娜 已超过 30 天未走访", fired_at=timezone.now()
    )
    Task.objects.create(firing=firing, title=firing.message, created_at=timezone.now())
    other = WarningFiring.objects.create(rule=r, key="x", message="已超期：X", fired_at=timezone.now())
    migration.forwards(apps, None)
    firing.refresh_from_db()
    other.refresh_from_db()
    assert firing.message == Task.objects.get().title == "重点关爱对象 欧*** 已超过 30 天未走访"
    assert other.message == "已超期：X"
