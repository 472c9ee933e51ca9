"""Application keys hold least privilege (issue 12, failure 1 and must-show 2): a key acts in an
application role that files and reads cases of its region, never base data or sensitive tags."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.api import actions as api_actions
from civicgrid.api.authentication import resolve_key
from civicgrid.api.demo import DEMO_KEY, seed_api
from civicgrid.api.models import ApiKey, Application
from civicgrid.people.models import PersonTag, Tag
from civicgrid.people.testing import add_person, make_building

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    """Two persons in grid S1C1G1, one tagged 残疾人 (restricted), registered by community staff."""
    building = make_building(world.tree["S1C1G1"], code="B1")
    house = building.houses.first()
    tagged = add_person(world.people.community, house, name="钱多多", phone="13812345678")
    add_person(world.people.community, house, name="孙小美")
    PersonTag.objects.create(person=tagged, tag=Tag.objects.get(code="disabled"))
    return tagged


def test_demo_key_cannot_read_the_person_register(world, register):
    """Failure 1: `GET /api/v1/people/persons/?tag=disabled` with the demo key listed the register."""
    seed_api(world.tree["D"])
    client = client_for(None)
    for query in ("?tag=disabled", ""):
        response = client.get(f"/api/v1/people/persons/{query}", HTTP_X_API_KEY=DEMO_KEY)
        assert response.status_code == 403, response.content
        assert "钱多多" not in response.content.decode()
    response = client.get(f"/api/v1/people/persons/{register.pk}/", HTTP_X_API_KEY=DEMO_KEY)
    assert response.status_code == 403 and "钱多多" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.COMMAND_OPERATOR, Role.COMMUNITY_STAFF, "superuser"])
def test_no_key_can_hold_a_person_role(world, role):
    application = api_actions.create_application("越权应用")
    with pytest.raises(ValidationError):
        api_actions.issue_key(application, region=world.tree["D"], role=role)
    assert not ApiKey.objects.exists()


def test_the_database_refuses_a_key_in_a_person_role(world, app_key):
    _application, key, _raw = app_key
    assert key.role == Role.INTEGRATION
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.filter(pk=key.pk).update(role=Role.SYSTEM_ADMIN)


def test_admin_offers_only_application_roles_and_shows_a_new_key_once(world, client):
    root = world.people.admin
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)
    form = client.get(reverse("admin:api_application_add")).content.decode()
    assert 'value="integration"' in form and 'value="hotline_integration"' in form
    assert 'value="system_admin"' not in form and 'value="command_operator"' not in form
    region = {"keys-0-region": world.tree["S1"].pk}
    response = client.post(reverse("admin:api_application_add"), {**_admin_post(Role.SYSTEM_ADMIN), **region})
    assert response.status_code == 200 and not ApiKey.objects.exists() and not Application.objects.exists()
    response = client.post(
        reverse("admin:api_application_add"), {**_admin_post(Role.HOTLINE_INTEGRATION), **region}, follow=True
    )
    key = ApiKey.objects.get()
    assert key.role == Role.HOTLINE_INTEGRATION and key.prefix.startswith("cg_")
    shown = [str(m) for m in response.context["messages"] if "cg_" in str(m)]
    assert len(shown) == 1
    raw = shown[0].rsplit("：", 1)[1].strip()
    assert resolve_key(raw) == key


def _admin_post(role):
    prefix = "keys"
    return {
        "name": "后台应用",
        "description": "",
        "contact": "",
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-name": "主密钥",
        f"{prefix}-0-role": role,
        f"{prefix}-0-rate_per_minute": "60",
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_keys_to_application_roles(world):
    """Keys issued before (system admin as "接入应用", command operator as "热线对接") are converted."""
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_initial")])
    application = api_actions.create_application("旧应用")
    old = {}
    for role in ("system_admin", "command_operator"):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO api_apikey (application_id, name, prefix, key_hash, role, region_id, rate_per_minute,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [application.pk, role, "cg_old", role * 2, role, world.tree["D"].pk, 60, timezone.now()],
            )
        old[role] = role * 2
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    roles = dict(ApiKey.objects.values_list("key_hash", "role"))
    assert roles == {old["system_admin"]: Role.INTEGRATION, old["command_operator"]: Role.HOTLINE_INTEGRATION}


def test_webhooks_carry_only_the_public_notes(world):
    """An application reads the public version of a case, through the API and through webhooks: a
    staff member's internal note (here with a resident's phone) never leaves in a payload."""
    from civicgrid.api.models import WebhookDelivery
    from civicgrid.cases import actions as case_actions

    from .conftest import report

    application = api_actions.create_application("热线系统")
    api_actions.subscribe(application, url="http://127.0.0.1:9/hook", region=world.tree["S1"])
    case = report(world)
    case_actions.accept_case(case, world.people.community, version=case.version, note="已电话联系 13911112222")
    notes = {d.payload["event"]["type"]: d.payload["event"]["note"] for d in WebhookDelivery.objects.all()}
    assert notes["accepted"] == "" and "13911112222" not in str(notes)
    from civicgrid.api.webhooks import PUBLIC_NOTE_TYPES as WEBHOOK_PUBLIC_NOTES
    from civicgrid.cases.access import REPORTER_NOTE_TYPES

    # The API shows an application (a key reads the public record) the notes the reporter sees.
    assert set(WEBHOOK_PUBLIC_NOTES) == set(REPORTER_NOTE_TYPES)
