"""Staff pages: queues (filters, scope, query counts, bulk dispatch), my tasks, the case page and
every action form (happy path, refused, stale version), the hotline and staff entry forms."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from civicgrid.cases import actions
from civicgrid.cases.forms.staff import ACTION_FORMS
from civicgrid.cases.models import Case, CaseEvent, CaseProject, HandlingLevel, Source, Status
from civicgrid.cases.tests.conftest import advance, fresh, make_case, point_in, report
from civicgrid.cases.workflow import Action


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def queue_numbers(response):
    return {row.number for row in response.context["page"].object_list}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, case, action, **data):
    data.setdefault("version", case.version)
    return client.post(reverse("cases:staff_act", args=[case.number, action]), data)


# --- Queues ------------------------------------------------------------------------------------


def test_queue_shows_only_the_users_scope(world, as_user):
    mine = report(world)
    other = report(world, where="S1C2G1M1")
    client = as_user(world.people.community)
    response = client.get(reverse("cases:staff_queue"))
    assert response.status_code == 200
    assert queue_numbers(response) == {mine.number}
    neighbour = as_user(world.people.community_neighbour).get(reverse("cases:staff_queue"))
    assert queue_numbers(neighbour) == {other.number}
    street = as_user(world.people.street).get(reverse("cases:staff_queue"))
    assert queue_numbers(street) == {mine.number, other.number}


def test_department_staff_see_only_their_departments_cases(world, as_user):
    theirs = make_case(world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT)
    report(world)
    response = as_user(world.people.dept).get(reverse("cases:staff_queue"))
    assert queue_numbers(response) == {theirs.number}
    assert queue_numbers(as_user(world.people.dept_water).get(reverse("cases:staff_queue"))) == set()


def test_residents_and_grid_workers_have_no_queue(world, as_user):
    assert as_user(world.people.resident).get(reverse("cases:staff_queue")).status_code == 403


def test_queue_filters(world, as_user):
    a = report(world)
    b = report(world, code="S05001", where="S1C1G2M1", description="井盖破损有人差点摔倒")
    hot = actions.report_case(
        world.people.operator,
        category=world.cats["S05001"],
        description="来电反映路灯不亮",
        source=Source.HOTLINE,
        lon=point_in(world.tree["S1C1G1M2"])[0],
        lat=point_in(world.tree["S1C1G1M2"])[1],
        caller_phone="13800001111",
        external_order_no="ZZ12345-0001",
    ).case
    a = actions.accept_case(a, world.people.community, version=a.version)
    client = as_user(world.people.community)
    url = reverse("cases:staff_queue")
    assert queue_numbers(client.get(url, {"status": "registered"})) == {a.number}
    assert queue_numbers(client.get(url, {"source": "hotline"})) == {hot.number}
    assert queue_numbers(client.get(url, {"q": "井盖"})) == {b.number}
    assert queue_numbers(client.get(url, {"q": "ZZ12345-0001"})) == {hot.number}
    assert queue_numbers(client.get(url, {"region": world.tree["S1C1G2"].code})) == {b.number}
    # A region outside the scope filters to nothing rather than being ignored.
    assert queue_numbers(client.get(url, {"region": world.tree["S2"].code})) == set()
    assert queue_numbers(client.get(url, {"stage": "red"})) == {a.number, b.number, hot.number}
    assert queue_numbers(client.get(url, {"stage": "green"})) == set()
    assert queue_numbers(client.get(url, {"light": "red"})) | queue_numbers(client.get(url, {"light": "green"})) | (
        queue_numbers(client.get(url, {"light": "yellow"}))
    ) == {a.number, b.number, hot.number}
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert queue_numbers(client.get(url, {"date_from": tomorrow})) == set()
    assert queue_numbers(client.get(url, {"category": world.cats["S05001"].parent_id})) >= {a.number}
    response = client.get(url)
    assert response.context["counts"]["total"] == 3
    assert response.context["counts"]["stage_red"] == 3
    # Garbage in a filter is ignored, not an error.
    assert client.get(url, {"status": "nonsense", "date_from": "x"}).status_code == 200


def test_queue_htmx_returns_the_body_only(world, as_user):
    report(world)
    response = as_user(world.people.community).get(
        reverse("cases:staff_queue"), headers={"HX-Request": "true", "HX-Target": "queue-body"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"data-case-row" in response.content


def test_queue_query_count_does_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.people.street)
    for _i in range(3):
        make_case(world, Status.DISPATCHED)
    # Session, user, roles, scope lookups, counts, one page of ids and their rows, the idle-timeout
    # session save (with its savepoint on PostgreSQL): a fixed number, whatever the rows.
    with django_assert_max_num_queries(18) as few:
        client.get(reverse("cases:staff_queue"))
    for _i in range(12):
        make_case(world, Status.DISPATCHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:staff_queue"))
    assert len(response.context["page"].object_list) == 15


def test_bulk_dispatch(world, as_user):
    cases = [make_case(world, Status.REGISTERED) for _i in range(3)]
    stale = cases[2]
    actions.supervise_case(stale, world.people.street, version=stale.version, note="请尽快")
    client = as_user(world.people.community)
    response = client.post(
        reverse("cases:staff_bulk_dispatch"),
        {"case": [f"{c.pk}:{c.version}" for c in cases], "level": HandlingLevel.GRID},
        follow=True,
    )
    assert [fresh(c).status for c in cases] == [Status.DISPATCHED, Status.DISPATCHED, Status.REGISTERED]
    text = " ".join(messages_of(response))
    assert "已派遣 2 件" in text and "案件已被他人更新" in text


# --- My tasks ----------------------------------------------------------------------------------


def test_my_tasks_and_one_tap_sign(world, as_user):
    to_sign = make_case(world, Status.DISPATCHED)
    in_hand = make_case(world, Status.HANDLING)
    neighbour_case = make_case(world, Status.REPORTED)
    client = as_user(world.people.grid)
    response = client.get(reverse("cases:tasks"))
    assert response.status_code == 200
    sections = {key: [c.number for c in items] for key, _t, items in response.context["sections"]}
    assert sections["sign"] == [to_sign.number]
    assert sections["handle"] == [in_hand.number]
    assert neighbour_case.number not in str(sections)
    response = client.post(
        reverse("cases:staff_act", args=[to_sign.number, "sign"]),
        {"version": to_sign.version, "next": reverse("cases:tasks")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:tasks")
    assert fresh(to_sign).status == Status.HANDLING
    # The neighbour grid's worker sees none of it.
    other = as_user(world.people.grid_neighbour).get(reverse("cases:tasks"))
    assert all(not items for _k, _t, items in other.context["sections"])


# --- Case page ---------------------------------------------------------------------------------


def test_case_page_shows_the_case_and_its_forms(world, as_user):
    case = make_case(world, Status.REPORTED)
    client = as_user(world.people.community)
    response = client.get(reverse("cases:staff_detail", args=[case.number]))
    assert response.status_code == 200
    actions_shown = {f.action for f in response.context["forms"]}
    assert {Action.ACCEPT, Action.REJECT, Action.CORRECT, Action.MERGE} <= actions_shown
    assert Action.SIGN not in actions_shown
    body = response.content.decode()
    assert case.number in body and "上报" in body
    # The reporter's phone is never shown in full.
    case.reporter.phone = "13912345678"
    case.reporter.save(update_fields=["phone"])
    body = client.get(reverse("cases:staff_detail", args=[case.number])).content.decode()
    assert "139****5678" in body and "13912345678" not in body


def test_case_outside_scope_is_404(world, as_user):
    case = make_case(world, Status.DISPATCHED)
    client = as_user(world.people.grid_neighbour)
    assert client.get(reverse("cases:staff_detail", args=[case.number])).status_code == 404
    assert act(client, case, "sign").status_code == 404
    assert client.get(reverse("cases:staff_version", args=[case.number])).status_code == 404
    assert fresh(case).status == Status.DISPATCHED


def test_version_endpoint(world, as_user):
    case = make_case(world)
    response = as_user(world.people.community).get(reverse("cases:staff_version", args=[case.number]))
    assert response.json() == {"version": case.version, "status": "reported"}


def _count_events(case):
    return CaseEvent.objects.filter(case=case).count()


# (action, status to start in, who acts, form data, expected status afterwards, who is refused)
def _future(days=30):
    return (date.today() + timedelta(days=days)).isoformat()


FLOWS = [
    ("accept", Status.REPORTED, "community", {}, Status.REGISTERED, "grid"),
    ("reject", Status.REPORTED, "community", {"text": "不属于受理范围"}, Status.REJECTED, "grid"),
    ("dispatch", Status.REGISTERED, "community", {"level": "grid"}, Status.DISPATCHED, "grid"),
    ("sign", Status.DISPATCHED, "grid", {}, Status.HANDLING, "community"),
    ("progress", Status.HANDLING, "grid", {"text": "已联系物业"}, Status.HANDLING, "resident"),
    ("feedback", Status.HANDLING, "grid", {"text": "已清理"}, Status.HANDLED, "community"),
    ("verify_pass", Status.HANDLED, "community", {}, Status.VERIFIED, "resident"),
    ("verify_fail", Status.HANDLED, "community", {"text": "未清理干净"}, Status.HANDLING, "resident"),
    ("close", Status.VERIFIED, "community", {}, Status.CLOSED, "grid"),
    ("evaluate", Status.CLOSED, "community", {"score": "5"}, Status.CLOSED, "grid"),
    ("reopen", Status.CLOSED, "community", {"text": "居民反映仍未解决"}, Status.HANDLING, "grid"),
    ("return", Status.DISPATCHED, "grid", {"text": "不属于本网格"}, Status.REGISTERED, "community"),
    (
        "request_extension",
        Status.HANDLING,
        "grid",
        {"amount": "2", "unit": "d", "reason": "等待材料"},
        Status.HANDLING,
        "community",
    ),
    ("suspend", Status.HANDLING, "street", {"text": "需等待规划"}, Status.SUSPENDED, "community"),
    ("request_void", Status.REGISTERED, "community", {"text": "重复登记"}, Status.REGISTERED, "resident"),
    ("escalate", Status.HANDLING, "grid", {"reason": "需社区协调"}, Status.DISPATCHED, "community"),
    ("supervise", Status.HANDLING, "street", {"text": "请加快"}, Status.HANDLING, "grid"),
    ("recall", Status.HANDLING, "community", {"text": "超时未处置"}, Status.REGISTERED, "grid"),
    (
        "convert_to_project",
        Status.REGISTERED,
        "community",
        {"title": "小区加装电梯", "milestones": f"征求意见, {_future(10)}\n施工, {_future(40)}"},
        Status.PROJECT,
        "grid",
    ),
    ("correct", Status.REGISTERED, "community", {"category": "S05001", "text": "更正"}, Status.REGISTERED, "grid"),
]


@pytest.mark.parametrize(("action", "start", "actor", "data", "after", "refused"), FLOWS, ids=[f[0] for f in FLOWS])
def test_action_forms(world, as_user, action, start, actor, data, after, refused):
    if action in ("evaluate", "reopen"):
        # Staff rate or reopen for a reporter without an account (a 12345 caller's revisit).
        lon, lat = point_in(world.tree["S1C1G1M1"])
        case = actions.report_case(
            world.people.operator,
            category=world.cats["S05001"],
            description="来电反映垃圾",
            source=Source.HOTLINE,
            caller_phone="13800002222",
            lon=lon,
            lat=lat,
        ).case
        case = advance(world, case, start)
        if action == "reopen":
            case = actions.evaluate_case(case, world.people.community, version=case.version, score=2)
    else:
        case = make_case(world, start)
    if action == "recall":  # only past the red light
        Case.objects.filter(pk=case.pk).update(step_red_at=timezone.now() - timedelta(minutes=1))
        case = fresh(case)
    data = dict(data)
    if data.get("category") == "S05001":
        other = next(c for code, c in world.cats.items() if c.parent_id and code != "S05001" and c.is_active)
        data["category"] = other.pk
    events = _count_events(case)

    # Refused: nothing changes.
    refused_user = getattr(world.people, refused)
    client = as_user(refused_user)
    response = act(client, case, action, **data)
    assert response.status_code in (302, 404)
    assert fresh(case).version == case.version and _count_events(case) == events

    client = as_user(getattr(world.people, actor))
    # Stale version: nothing changes, a clear message.
    response = act(client, case, action, **{**data, "version": case.version - 1})
    assert response.status_code == 302
    assert "案件已被他人更新，请刷新后重试。" in messages_of(response)
    assert fresh(case).version == case.version and _count_events(case) == events

    # Happy path.
    response = act(client, case, action, **data)
    assert response.status_code == 302, messages_of(response)
    updated = fresh(case)
    assert updated.status == after, messages_of(response)
    assert _count_events(case) > events
    assert updated.version > case.version


def test_every_action_form_is_covered():
    covered = {f[0] for f in FLOWS} | {"merge", "approve_extension", "deny_extension", "resume", "approve_void"}
    covered |= {"deny_void", "complete_milestone"}
    assert set(ACTION_FORMS) <= covered


def test_approvals_and_resume_and_milestone(world, as_user):
    case = make_case(world, Status.HANDLING)
    case = actions.request_extension(case, world.people.grid, version=case.version, amount=1, unit="d", reason="等")
    client = as_user(world.people.community)
    assert act(client, case, "deny_extension", text="不必").status_code == 302
    case = fresh(case)
    assert not case.extension_pending
    case = actions.request_extension(case, world.people.grid, version=case.version, amount=1, unit="d", reason="等")
    act(client, case, "approve_extension")
    assert fresh(case).extension_count == 1

    case = actions.request_void(fresh(case), world.people.community, version=fresh(case).version, reason="重复")
    street = as_user(world.people.street2)
    act(street, case, "deny_void", text="不是重复")
    case = fresh(case)
    assert not case.void_pending
    case = actions.request_void(case, world.people.community, version=case.version, reason="重复")
    act(street, case, "approve_void")
    assert fresh(case).status == Status.VOIDED

    parked = make_case(world, Status.HANDLING)
    parked = actions.suspend_case(parked, world.people.street, version=parked.version, reason="等待规划")
    act(as_user(world.people.street), parked, "resume")
    assert fresh(parked).status == Status.HANDLING

    project = make_case(world, Status.REGISTERED)
    project = actions.convert_to_project(
        project, world.people.community, version=project.version, title="改造", milestones=[("一期", _future(5))]
    )
    milestone = CaseProject.objects.get(case=project).milestones.get()
    act(as_user(world.people.community), project, "complete_milestone", milestone=milestone.pk)
    milestone.refresh_from_db()
    assert milestone.done_at is not None


def test_merge_form(world, as_user):
    first = report(world)
    second = report(world)
    client = as_user(world.people.community)
    response = act(client, second, "merge", into=first.number)
    assert response.status_code == 302
    assert fresh(second).status == Status.MERGED and fresh(second).merged_into_id == first.pk
    # Into a case the user cannot see: refused, nothing changes.
    third = report(world)
    elsewhere = report(world, where="S2C1G1M1")
    act(client, third, "merge", into=elsewhere.number)
    assert fresh(third).status == Status.REPORTED


def test_invalid_form_and_wrong_state(world, as_user):
    case = make_case(world, Status.REPORTED)
    client = as_user(world.people.community)
    response = act(client, case, "reject")  # no reason
    assert response.status_code == 400
    assert fresh(case).version == case.version
    response = act(client, case, "close")
    assert response.status_code == 302
    assert any("不能" in m for m in messages_of(response))
    assert client.post(reverse("cases:staff_act", args=[case.number, "fly"]), {"version": 1}).status_code == 404


# --- Hotline and staff entry -------------------------------------------------------------------


def test_hotline_form(world, as_user):
    client = as_user(world.people.operator)
    lon, lat = point_in(world.tree["S1C1G1M1"])
    assert client.get(reverse("cases:staff_hotline")).status_code == 200
    data = {
        "caller_name": "张先生",
        "caller_phone": "13700002222",
        "external_order_no": "12345-20260316-001",
        "category": world.cats["S05001"].pk,
        "description": "小区门口垃圾多日未清运",
        "address": "大学路 1 号",
        "lon": lon,
        "lat": lat,
        "urgent": "on",
    }
    response = client.post(reverse("cases:staff_hotline"), data)
    case = Case.objects.get(external_order_no="12345-20260316-001")
    assert response.status_code == 302
    assert (
        case.source == Source.HOTLINE
        and case.caller_phone == "13700002222"
        and case.entered_by == world.people.operator
    )
    assert case.description.startswith("【紧急】")
    assert case.community_id == world.tree["S1C1"].pk
    # Without a phone: the form says so and nothing is filed.
    response = client.post(reverse("cases:staff_hotline"), {**data, "caller_phone": "", "external_order_no": "x"})
    assert response.status_code == 400 and not Case.objects.filter(external_order_no="x").exists()
    # Community staff may not take hotline calls.
    assert as_user(world.people.community).get(reverse("cases:staff_hotline")).status_code == 403


def test_staff_entry_on_behalf_of_a_resident(world, as_user):
    client = as_user(world.people.community)
    lon, lat = point_in(world.tree["S1C1G1M1"])
    response = client.post(
        reverse("cases:staff_entry"),
        {
            "caller_name": "李阿姨",
            "caller_phone": "13600003333",
            "category": world.cats["S05001"].pk,
            "description": "楼道灯坏了",
            "lon": lon,
            "lat": lat,
            "external_order_no": "ignored",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(caller_name="李阿姨")
    assert case.source == Source.STAFF_ENTRY and case.external_order_no == ""
    # Outside the user's scope: refused with a message, nothing filed.
    lon2, lat2 = point_in(world.tree["S2C1G1M1"])
    response = client.post(
        reverse("cases:staff_entry"),
        {"caller_name": "王", "category": world.cats["S05001"].pk, "description": "x", "lon": lon2, "lat": lat2},
    )
    assert response.status_code == 400 and not Case.objects.filter(caller_name="王").exists()


def _png(name="result.png"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_feedback_with_photos(world, as_user, settings, tmp_path):
    from civicgrid.cases.models import Attachment

    settings.CASES_ATTACHMENT_ROOT = tmp_path
    case = make_case(world, Status.HANDLING)
    client = as_user(world.people.grid)
    # A renamed executable is refused, and the feedback with it is not recorded.
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = act(client, case, "feedback", text="已清理", photos=[fake])
    assert response.status_code == 302
    assert fresh(case).status == Status.HANDLING and not Attachment.objects.exists()

    response = act(client, case, "feedback", text="已清理", photos=[_png(), _png("b.png")])
    assert response.status_code == 302, messages_of(response)
    assert fresh(case).status == Status.HANDLED
    event = CaseEvent.objects.get(case=case, type="fed_back")
    assert Attachment.objects.filter(case=case, event=event, kind="photo").count() == 2
    page = as_user(world.people.community).get(reverse("cases:staff_detail", args=[case.number])).content.decode()
    assert page.count("/thumb/") == 2


def test_tasks_and_case_page_query_counts_are_bounded(world, as_user, django_assert_max_num_queries):
    client = as_user(world.people.grid)
    make_case(world, Status.DISPATCHED)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:tasks"))
    for _i in range(8):
        make_case(world, Status.HANDLING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:tasks"))
    assert len(response.context["sections"][1][2]) == 8
    case = make_case(world, Status.HANDLING)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("cases:staff_detail", args=[case.number])).status_code == 200


def test_staff_entry_finds_the_resident_by_any_spelling_of_the_phone(world, as_user):
    """The typed caller phone goes through the people rules (civicgrid/people/rules.py) before it is
    matched with a resident's account."""
    from civicgrid.accounts.models import Role
    from civicgrid.testing import make_user

    resident = make_user("jumin-phone", Role.RESIDENT, world.tree["S1C1G1"], phone="13600004444")
    client = as_user(world.people.community)
    lon, lat = point_in(world.tree["S1C1G1M1"])
    data = {"caller_name": "赵阿姨", "category": world.cats["S05001"].pk, "description": "路灯不亮", "lon": lon}
    response = client.post(reverse("cases:staff_entry"), {**data, "lat": lat, "caller_phone": "+86 136 0000 4444"})
    assert response.status_code == 302
    assert Case.objects.get(caller_name="赵阿姨").reporter == resident
