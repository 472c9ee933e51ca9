"""Residents register with a phone number and a password on their community; the community's staff
approve or reject (only their own community's), or base data confirms at once; staff may give a
resident a temporary password that must be changed at the next sign-in."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from civicgrid.accounts import registration, sms
from civicgrid.accounts.models import Registration, Role, RoleAssignment, SecurityEvent, User
from civicgrid.accounts.scopes import has_role
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")
LIST = reverse("accounts:registrations")
GOOD = "Qing#Shui2026"


@pytest.fixture(autouse=True)
def _fast_hasher_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "civicgrid.accounts.sms.LocmemBackend"
    sms.outbox.clear()


@pytest.fixture
def tree():
    return build_tree(fanout=2, depth=3)


@pytest.fixture
def staff(tree):
    return make_user("c11", Role.COMMUNITY_STAFF, tree["S1C1"])


@pytest.fixture
def other_staff(tree):
    return make_user("c12", Role.COMMUNITY_STAFF, tree["S1C2"])


def _register(client, community, phone="13900001111", password=GOOD, name="李四", password2=None):
    return client.post(
        REGISTER,
        {
            "phone": phone,
            "name": name,
            "community": community.pk,
            "password1": password,
            "password2": password2 or password,
        },
    )


def test_register_then_staff_approves(client, tree, staff, django_capture_on_commit_callbacks):
    response = _register(client, tree["S1C1"], phone="139 0000 1111")
    assert response.status_code == 200
    assert 'data-status="pending"' in response.content.decode()
    user = User.objects.get(phone="13900001111")
    assert user.check_password(GOOD) and not has_role(user, Role.RESIDENT)
    entry = Registration.objects.get(user=user)
    assert entry.status == Registration.Status.PENDING and entry.region_code == tree["S1C1"].code
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REGISTERED, user=user).exists()

    client.force_login(staff)
    page = client.get(LIST)
    assert page.status_code == 200 and "13900001111" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:decide_registration", args=[entry.pk, "approve"]))
    entry.refresh_from_db()
    assert entry.status == Registration.Status.APPROVED and entry.decided_by == staff and not entry.matched
    assert RoleAssignment.objects.active().filter(user=user, role=Role.RESIDENT, region=tree["S1C1"]).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REGISTRATION_DECIDED, user=user).exists()
    assert sms.outbox[-1][0] == "13900001111" and "已通过" in sms.outbox[-1][1]


def test_reject_needs_a_reason_and_frees_the_phone(client, tree, staff, django_capture_on_commit_callbacks):
    _register(client, tree["S1C1"])
    entry = Registration.objects.get()
    client.force_login(staff)
    client.post(reverse("accounts:decide_registration", args=[entry.pk, "reject"]), {"reason": ""})
    entry.refresh_from_db()
    assert entry.status == Registration.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:decide_registration", args=[entry.pk, "reject"]), {"reason": "非本社区居民"})
    entry.refresh_from_db()
    assert entry.status == Registration.Status.REJECTED and entry.reason == "非本社区居民"
    assert not entry.user.is_active and entry.user.phone is None
    assert "非本社区居民" in sms.outbox[-1][1]
    client.logout()
    assert _register(client, tree["S1C2"]).status_code == 200  # may register again
    assert Registration.objects.count() == 2


@pytest.mark.parametrize(
    "phone,password,password2,field",
    [
        ("1390000111", GOOD, None, "phone"),
        ("23900001111", GOOD, None, "phone"),
        ("13900001111", "abc", None, "password1"),
        ("13900001111", "password123", None, "password1"),
        ("13900001111", GOOD, "Other#2026x", "password2"),
    ],
)
def test_bad_input_is_refused_with_a_field_error(client, tree, phone, password, password2, field):
    response = _register(client, tree["S1C1"], phone=phone, password=password, password2=password2)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not User.objects.filter(phone=phone).exists() and not Registration.objects.exists()


@pytest.mark.parametrize("community", ["S1", "nothing", ""])
def test_a_street_or_unknown_community_is_refused(client, tree, community):
    value = tree[community].pk if community in tree else community
    response = client.post(
        REGISTER,
        {"phone": "13900001111", "name": "李四", "community": value, "password1": GOOD, "password2": GOOD},
    )
    assert response.status_code == 400 and response.context["form"].errors.get("community")
    assert not User.objects.filter(phone="13900001111").exists()


def test_a_phone_already_registered_is_refused(client, tree):
    make_user("someone", phone="13900001111")
    response = _register(client, tree["S1C1"])
    assert response.status_code == 400 and response.context["form"].errors.get("phone")
    assert not Registration.objects.exists()


def test_staff_of_another_community_cannot_see_or_decide(client, tree, staff, other_staff):
    _register(client, tree["S1C1"])
    entry = Registration.objects.get()
    client.force_login(other_staff)
    assert "13900001111" not in client.get(LIST).content.decode()
    for decision in ("approve", "reject"):
        response = client.post(reverse("accounts:decide_registration", args=[entry.pk, decision]), {"reason": "x"})
        assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == Registration.Status.PENDING and not has_role(entry.user, Role.RESIDENT)


def test_residents_and_grid_workers_may_not_open_the_review_page(client, tree):
    worker = make_user("g1", Role.GRID_WORKER, tree["S1C1G1"])
    client.force_login(worker)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("accounts:residents")).status_code == 403


def test_a_decided_registration_cannot_be_decided_again(tree, staff):
    entry = registration.register_resident(phone="13900001111", password=GOOD, name="李四", community=tree["S1C1"])
    registration.approve_registration(entry, actor=staff)
    with pytest.raises(Exception, match="已经处理过"):
        registration.reject_registration(entry, actor=staff, reason="重复")
    assert RoleAssignment.objects.filter(user=entry.user, role=Role.RESIDENT).count() == 1


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL row locks")
def test_two_approvals_at_once_one_wins(transactional_db, tree, staff, other_staff):
    second = make_user("c11b", Role.COMMUNITY_STAFF, tree["S1C1"])
    entry = registration.register_resident(phone="13900001111", password=GOOD, name="李四", community=tree["S1C1"])
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i, actor):
        try:
            barrier.wait(timeout=10)
            results[i] = registration.approve_registration(entry, actor=actor)
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate((staff, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert RoleAssignment.objects.filter(user=entry.user, role=Role.RESIDENT).count() == 1


def test_staff_gives_a_temporary_password_that_must_be_changed(client, tree, staff, other_staff):
    resident = make_user("13900002222", Role.RESIDENT, tree["S1C1"], phone="13900002222")
    client.force_login(other_staff)
    assert client.post(reverse("accounts:reset_resident", args=[resident.pk])).status_code == 404
    resident.refresh_from_db()
    assert resident.check_password(TEST_PASSWORD) and not resident.must_change_password

    client.force_login(staff)
    assert "13900002222" in client.get(reverse("accounts:residents")).content.decode()
    response = client.post(reverse("accounts:reset_resident", args=[resident.pk]))
    temporary = response.context["password"]
    assert response["Cache-Control"] == "no-store"
    resident.refresh_from_db()
    assert resident.check_password(temporary) and resident.must_change_password
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RESET_DONE, user=resident, actor=staff).exists()

    client.logout()
    client.post(reverse("accounts:login"), {"username": "13900002222", "password": temporary})
    assert client.get(reverse("site:home")).url == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": GOOD, "new_password2": GOOD},
    )
    resident.refresh_from_db()
    assert not resident.must_change_password
    assert client.get(reverse("site:home"), follow=True).redirect_chain == [("/resident/", 302)]  # home, not 修改密码


def test_registrations_are_limited_per_address(client, tree, settings):
    settings.RATE_LIMIT_STORE = "database"
    for i in range(registration.REGISTRATIONS_PER_IP_HOUR):
        assert _register(client, tree["S1C1"], phone=f"1390001{i:04d}").status_code == 200
    response = _register(client, tree["S1C1"], phone="13900019999")
    assert response.status_code == 400 and "请求过于频繁" in response.content.decode()
    assert not User.objects.filter(phone="13900019999").exists()


def test_a_pending_resident_is_told_at_sign_in(client, tree):
    _register(client, tree["S1C1"])
    response = client.post(reverse("accounts:login"), {"username": "13900001111", "password": GOOD}, follow=True)
    assert "等待社区核对" in response.content.decode()


def test_the_demo_has_registrations_waiting_for_the_demo_community_staff(tree):
    import random

    from civicgrid.accounts import demo

    demo.seed_users(tree["D"], random.Random(1))
    assert demo.seed_pending_registrations(tree["D"], random.Random(1)) == 3
    shequ = User.objects.get(username="shequ")
    assert registration.pending_for(shequ).count() == 3
