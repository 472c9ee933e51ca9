"""Study pages: members' pages on their own audience only, staff pages by reach, forms that refuse
bad input with 400 and change nothing, names only for membership holders, never a 500."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.party.actions import study as actions
from civicgrid.party.models import Attempt, Lesson, Question, Quiz, StudyPlan, StudyRecord
from civicgrid.party.testing.study import PDF, make_bank, make_lesson, make_quiz, right_answers, upload


@pytest.fixture
def study(world):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1, title="党章学习")
    plan = actions.create_plan(
        p.c1_secretary, p.c1.pk, month=timezone.localdate(), title="本月必学", lesson_ids=[lesson.pk]
    )
    actions.publish_plan(p.c1_secretary, plan.pk)
    make_bank(p.street_secretary, p.street, n=6)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    return world, lesson, plan, quiz


def get(client, user, name, *args, **data):
    client.force_login(user)
    return client.get(reverse(f"party:{name}", args=args), data)


def post(client, user, name, *args, **data):
    client.force_login(user)
    return client.post(reverse(f"party:{name}", args=args), data)


def test_member_pages(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    page = get(client, p.member1, "study")
    assert page.status_code == 200 and "党章学习" in page.content.decode() and "党章知识测试" in page.content.decode()
    assert get(client, p.member1, "study_lesson", lesson.pk).status_code == 200
    assert StudyRecord.objects.filter(member=p.m1, completed_at__isnull=True).count() == 1
    file = get(client, p.member1, "study_lesson_file", lesson.pk)
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF-")
    assert file["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert post(client, p.member1, "study_lesson_complete", lesson.pk).status_code == 302
    assert StudyRecord.objects.get(member=p.m1).completed_at is not None
    assert "1 / 1" in get(client, p.member1, "study").content.decode()


def test_non_members_and_other_subtrees_get_404(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    page = get(client, world.staff.resident, "study")
    assert page.status_code == 200 and 'id="not-member"' in page.content.decode()
    for user in (p.member3, world.staff.resident, p.commuter):
        for name in ("study_lesson", "study_lesson_file", "study_quiz"):
            obj = quiz if name == "study_quiz" else lesson
            assert get(client, user, name, obj.pk).status_code == 404, (user, name)
        assert post(client, user, "study_lesson_complete", lesson.pk).status_code == 404
        assert post(client, user, "study_quiz", quiz.pk).status_code == 404
    assert not StudyRecord.objects.exists() and not Attempt.objects.exists()


def test_taking_a_quiz(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    assert get(client, p.member1, "study_quiz", quiz.pk).status_code == 200
    started = post(client, p.member1, "study_quiz", quiz.pk)
    attempt = Attempt.objects.get()
    assert started.url == reverse("party:study_attempt", args=[attempt.pk])
    page = get(client, p.member1, "study_attempt", attempt.pk)
    assert page.status_code == 200 and 'data-deadline="' in page.content.decode()
    # Somebody else's paper is not found.
    assert get(client, p.member2, "study_attempt", attempt.pk).status_code == 404
    assert post(client, p.member2, "study_attempt", attempt.pk).status_code == 404
    data = {f"q{k}": [str(i) for i in v] for k, v in right_answers(attempt).items()}
    done = post(client, p.member1, "study_attempt", attempt.pk, **data)
    assert done.url == reverse("party:study_result", args=[attempt.pk])
    result = get(client, p.member1, "study_result", attempt.pk)
    assert result.status_code == 200 and 'id="score">100<' in result.content.decode()
    # Posting again changes nothing and lands on the result.
    assert post(client, p.member1, "study_attempt", attempt.pk).status_code == 302
    assert Attempt.objects.get().score == 100


@pytest.mark.parametrize("value", ["9", "-1", "x", "1" * 30, "0\x00", ""])
def test_garbage_answers_never_500(client, study, value):
    world, lesson, plan, quiz = study
    p = world.party
    post(client, p.member1, "study_quiz", quiz.pk)
    attempt = Attempt.objects.get()
    first = attempt.question_ids[0]
    answer = post(client, p.member1, "study_attempt", attempt.pk, **{f"q{first}": [value, value]})
    assert answer.status_code in (302, 400)
    if answer.status_code == 400:
        assert Attempt.objects.get().submitted_at is None


def test_staff_pages_and_reach(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    staff_pages = [
        ("lessons_manage",),
        ("study_lesson_edit", lesson.pk),
        ("study_plans",),
        ("study_plan", plan.pk),
        ("study_questions",),
        ("study_question", make_bank(p.c1_secretary, p.c1, n=1)[0].pk),
        ("study_quizzes",),
        ("study_quiz_scores", quiz.pk),
        ("study_quiz_export", quiz.pk),
    ]
    for user in (p.c1_secretary, p.street_secretary, p.first_secretary):
        for name, *args in staff_pages:
            assert get(client, user, name, *args).status_code == 200, (user, name)
    for user in (p.member1, world.staff.resident, world.staff.street):
        for name, *args in staff_pages:
            assert get(client, user, name, *args).status_code == 404, (user, name)
    # Another subtree's secretary sees the lists but not C1's rows.
    assert get(client, p.c2_secretary, "study_plan", plan.pk).status_code == 404
    assert get(client, p.c2_secretary, "study_quiz_scores", quiz.pk).status_code == 404
    assert "党章学习" not in get(client, p.c2_secretary, "lessons_manage").content.decode()


def test_publishing_a_lesson_through_the_page(client, world):
    p = world.party
    ok = post(
        client,
        p.c1_secretary,
        "lessons_manage",
        organisation=p.c1.pk,
        title="新党课",
        kind="document",
        minutes=5,
        file=upload("a.pdf", PDF),
    )
    assert ok.status_code == 302 and Lesson.objects.get().title == "新党课"
    for bad in (
        {"title": "x\x01"},
        {"file": upload("a.pdf", b"<svg onload=alert(1)>")},
        {"minutes": "999"},
        {"organisation": p.c2.pk},
        {"organisation": "1e9"},
    ):
        data = {"organisation": p.c1.pk, "title": "坏", "kind": "document", "minutes": 5, "file": upload("a.pdf", PDF)}
        answer = post(client, p.c1_secretary, "lessons_manage", **(data | bad))
        assert answer.status_code == 400, bad
    assert Lesson.objects.count() == 1
    assert post(client, p.member1, "lessons_manage", title="x").status_code == 404
    assert post(client, p.instructor, "lessons_manage", title="x").status_code == 404
    assert Lesson.objects.count() == 1


def test_plan_steps_through_the_page(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    StudyPlan.objects.filter(pk=plan.pk).update(published_at=None)
    assert post(client, p.first_secretary, "study_plan", plan.pk, step="publish").status_code == 404
    assert StudyPlan.objects.get(pk=plan.pk).published_at is None
    assert post(client, p.c1_secretary, "study_plan", plan.pk, step="publish").status_code == 302
    assert post(client, p.c1_secretary, "study_plan", plan.pk, step="remind").status_code == 302
    assert StudyPlan.objects.get(pk=plan.pk).reminded_on == timezone.localdate()
    created = post(
        client,
        p.branch_secretary,
        "study_plans",
        organisation=p.g1.pk,
        title="支部必学",
        month=timezone.localdate().isoformat(),
        lessons=[lesson.pk],
    )
    assert created.status_code == 302
    bad = post(client, p.branch_secretary, "study_plans", organisation=p.g1.pk, title="x", month="2026-13-40")
    assert bad.status_code == 400 and StudyPlan.objects.count() == 2


def test_completion_names_only_for_membership_holders(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    actions.open_lesson(p.member1, lesson.pk)
    actions.complete_lesson(p.member1, lesson.pk)
    holder = get(client, p.c1_secretary, "study_plan", plan.pk).content.decode()
    assert "member1" in holder and 'id="branch-completion"' in holder
    instructor = get(client, p.first_secretary, "study_plan", plan.pk).content.decode()
    assert "member1" not in instructor and 'id="names-hidden"' in instructor


def test_question_forms(client, world):
    p = world.party
    ok = post(
        client,
        p.c1_secretary,
        "study_questions",
        organisation=p.c1.pk,
        kind="multiple",
        text="以下哪些是党的纪律？",
        options="政治纪律\n组织纪律\n娱乐纪律",
        answer="AB",
        topic="党章",
        is_active="on",
    )
    assert ok.status_code == 302 and Question.objects.get().answer == [0, 1]
    for bad in ({"answer": "AZ"}, {"options": "只有一个"}, {"text": ""}, {"answer": "D"}, {"topic": "x\x01y"}):
        data = {"organisation": p.c1.pk, "kind": "single", "text": "题", "options": "甲\n乙", "answer": "A"}
        assert post(client, p.c1_secretary, "study_questions", **(data | bad)).status_code == 400, bad
    assert Question.objects.count() == 1
    q = Question.objects.get()
    assert post(client, p.c2_secretary, "study_question", q.pk, text="改").status_code == 404
    edit = {"organisation": p.c1.pk, "kind": "single", "text": "改过", "options": "甲\n乙", "answer": "B"}
    assert post(client, p.c1_secretary, "study_question", q.pk, **edit).status_code == 302
    assert Question.objects.get().answer == [1]


def test_quiz_forms_and_export(client, study):
    world, lesson, plan, quiz = study
    p = world.party
    now = timezone.localtime()
    data = {
        "organisation": p.c1.pk,
        "title": "七一测试",
        "question_count": 3,
        "time_limit_minutes": 10,
        "pass_score": 60,
        "attempts_allowed": 1,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert post(client, p.c1_secretary, "study_quizzes", **data).status_code == 302
    for bad in ({"question_count": 99}, {"closes_at": "2000-01-01T00:00"}, {"title": "\x00"}, {"opens_at": "x"}):
        assert post(client, p.c1_secretary, "study_quizzes", **(data | bad)).status_code == 400, bad
    assert Quiz.objects.count() == 2
    attempt = actions.start_attempt(p.member1, quiz.pk)
    actions.submit_attempt(p.member1, attempt.pk, right_answers(attempt))
    page = get(client, p.c1_secretary, "study_quiz_scores", quiz.pk).content.decode()
    assert "member1" in page and 'id="branch-scores"' in page
    assert "member1" not in get(client, p.first_secretary, "study_quiz_scores", quiz.pk).content.decode()
    export = get(client, p.c1_secretary, "study_quiz_export", quiz.pk)
    book = load_workbook(io.BytesIO(export.content))
    assert [c.value for c in book.worksheets[1][2]][:3] == ["member1", "G1网格党支部", 100]


@pytest.mark.parametrize("pk", ["0", "99999999", "99999999999999999999"])
def test_unknown_ids_are_404(client, study, pk):
    world = study[0]
    for name in ("study_lesson", "study_quiz", "study_attempt", "study_result", "study_lesson_file"):
        client.force_login(world.party.member1)
        assert client.get(f"/party/study/{name.split('_')[1]}s/{pk}/").status_code == 404
