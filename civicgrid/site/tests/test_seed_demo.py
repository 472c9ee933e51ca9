import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from civicgrid.accounts.demo import DEMO_PASSWORD
from civicgrid.accounts.models import Role, RoleAssignment, SecurityEvent, User
from civicgrid.accounts.roles import APPLICATION_ROLES
from civicgrid.api.models import ApiKey
from civicgrid.regions.models import Department, Level, Region

pytestmark = pytest.mark.django_db


def test_small_demo_has_every_level_every_role_and_working_logins(client):
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    levels = {level: Region.objects.filter(level=level).count() for level in Level.values}
    assert levels == {0: 1, 1: 2, 2: 4, 3: 12, 4: 30}
    # --- property --- the property companies' repair departments come on top of the 8.
    assert Department.objects.exclude(kind="property").count() == 8
    # Every person's role is held; the application roles are held by API keys only (the demo keys).
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values) - APPLICATION_ROLES
    assert sorted(ApiKey.objects.values_list("role", flat=True)) == sorted(APPLICATION_ROLES)
    assert SecurityEvent.objects.filter(kind="role_granted").count() == RoleAssignment.objects.count()
    # Applications' service accounts (civicgrid.api, named app-…) cannot sign in at all.
    for user in User.objects.exclude(username__startswith="app-"):
        response = client.post(reverse("accounts:login"), {"username": user.phone, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.username
        client.post(reverse("accounts:logout"))
    assert User.objects.get(username="admin").is_superuser


def test_same_seed_gives_the_same_demo():
    def snapshot():
        return (
            list(Region.objects.values_list("code", "name", "boundary")),
            list(User.objects.order_by("username").values_list("username", "name", "phone")),
        )

    with transaction.atomic():
        call_command("seed_demo", "--scale", "small", "--seed", "3")
        first = snapshot()
        transaction.set_rollback(True)
    assert not Region.objects.exists()
    call_command("seed_demo", "--scale", "small", "--seed", "3")
    assert snapshot() == first


def test_seed_demo_refuses_a_non_empty_database_unless_if_empty():
    call_command("seed_demo", "--scale", "small")
    count = Region.objects.count()
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "small")
    call_command("seed_demo", "--scale", "small", "--if-empty")
    assert Region.objects.count() == count


def test_demo_logins_lists_every_named_account(capsys):
    call_command("seed_demo", "--scale", "small")
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for username in ["admin", "zhihui", "jiedao", "shequ", "wanggeyuan", "weiwangge", "bumen", "jumin"]:
        assert username in out
