"""Warning rules are written through dashboard.actions: every creation, change and deletion is in
the change log with who did it, an invalid rule writes nothing, and the admin history lists the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.dashboard import actions
from civicgrid.dashboard.models import RuleAction, RuleKind, WarningRule
from civicgrid.testing import build_tree, make_user

pytestmark = pytest.mark.django_db
Action = ObjectChange.Action


@pytest.fixture
def district():
    return build_tree(fanout=1, depth=1)["D"]


@pytest.fixture
def root():
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def rule(district, root):
    return actions.save_warning_rule(
        WarningRule(name="网格在办过多", kind=RuleKind.GRID_OPEN, region=district, threshold=20), user=root
    )


def test_saving_a_rule_logs_before_and_after(rule, root):
    (created,) = changes_for(rule)
    assert created.action == Action.CREATE and created.user == root and created.after["threshold"] == 20
    rule.threshold, rule.action = 30, RuleAction.TASK
    actions.save_warning_rule(rule, user=root)
    row = changes_for(rule).first()
    assert row.action == Action.UPDATE
    assert sorted(row.changed_fields()) == [("action", "notify", "task"), ("threshold", 20, 30)]


def test_an_invalid_rule_writes_nothing(rule, root):
    count = ObjectChange.objects.count()
    for field, value in [("notify_role", "emperor"), ("kind", "nonsense"), ("radius_m", -5)]:
        edited = WarningRule.objects.get(pk=rule.pk)
        setattr(edited, field, value)
        with pytest.raises(ValidationError) as error:
            actions.save_warning_rule(edited, user=root)
        assert field in error.value.message_dict
    assert ObjectChange.objects.count() == count
    assert WarningRule.objects.get(pk=rule.pk).notify_role == ""


def test_deleting_a_rule_keeps_what_it_was(rule, root):
    pk = rule.pk
    actions.delete_warning_rule(rule, user=root)
    assert not WarningRule.objects.filter(pk=pk).exists()
    row = changes_for(rule).first()
    assert row.action == Action.DELETE and row.before["name"] == "网格在办过多" and row.after is None


def rule_form(rule, **changes):
    data = {
        "name": rule.name,
        "kind": rule.kind,
        "region": rule.region_id or "",
        "threshold": rule.threshold,
        "radius_m": rule.radius_m,
        "days": rule.days,
        "action": rule.action,
        "notify_role": rule.notify_role,
        "is_active": "on",
        "created_at_0": rule.created_at.strftime("%Y-%m-%d"),
        "created_at_1": rule.created_at.strftime("%H:%M:%S"),
        **changes,
    }
    return data


def test_the_admin_saves_through_the_action_and_shows_the_history(client, rule, root):
    client.force_login(root)
    url = reverse("admin:dashboard_warningrule_change", args=[rule.pk])
    response = client.post(url, rule_form(rule, threshold=25, notify_role="street_staff"))
    assert response.status_code == 302, response.content.decode()
    row = changes_for(rule).first()
    assert row.user == root
    assert sorted(row.changed_fields()) == [("notify_role", "", "street_staff"), ("threshold", 20, 25)]
    page = client.get(reverse("admin:dashboard_warningrule_history", args=[rule.pk])).content.decode()
    assert page.count('class="change-row"') == 2 and "street_staff" in page


def test_the_admin_refuses_an_unknown_role_and_writes_nothing(client, rule, root):
    client.force_login(root)
    count = ObjectChange.objects.count()
    url = reverse("admin:dashboard_warningrule_change", args=[rule.pk])
    response = client.post(url, rule_form(rule, notify_role="emperor"))
    assert response.status_code == 200 and "未知的角色 emperor" in response.content.decode()
    assert ObjectChange.objects.count() == count
