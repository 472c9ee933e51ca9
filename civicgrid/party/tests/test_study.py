"""Study actions: lessons and their files, plans and reminders, studying, the bank, quizzes,
attempts (random papers, limits, the deadline, marking) and the panel's figures."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.core import clock, events
from civicgrid.party.actions import study as actions
from civicgrid.party.events import LessonCompleted, QuizSubmitted
from civicgrid.party.models import Attempt, Lesson, LessonKind, Organisation, Question, Quiz, StudyPlan, StudyRecord
from civicgrid.party.selectors import study as selectors
from civicgrid.party.testing.study import (
    MP4,
    PDF,
    make_bank,
    make_lesson,
    make_quiz,
    right_answers,
    upload,
    wav_bytes,
)


@pytest.fixture
def heard():
    seen = []

    def listen(event):
        seen.append(event)

    for kind in (events.MessageSent, LessonCompleted, QuizSubmitted):
        events.subscribe(kind, listen, phase=events.IN_TRANSACTION)
    yield seen
    for kind in (events.MessageSent, LessonCompleted, QuizSubmitted):
        events.unsubscribe(kind, listen, phase=events.IN_TRANSACTION)


# --- Lessons --------------------------------------------------------------------------------------


def test_a_leader_publishes_each_kind_of_lesson(world):
    p = world.party
    for kind in LessonKind.values:
        lesson = make_lesson(p.c1_secretary, p.c1, kind=kind)
        assert lesson.kind == kind and lesson.size > 0
        with actions.open_lesson_file(lesson) as handle:
            assert handle.read(4) in (b"%PDF", b"RIFF", b"\x00\x00\x00\x18")
    assert Lesson.objects.get(kind="document").content_type == "application/pdf"


@pytest.mark.parametrize(
    "kind,data",
    [
        ("document", b"<html><script>alert(1)</script></html>"),
        ("document", b"%PDF-1.4 no end marker"),
        ("video", PDF),
        ("audio", b"MZ\x90\x00 an executable"),
        ("video", b""),
    ],
)
def test_a_lesson_file_is_checked_by_content(world, kind, data):
    p = world.party
    with pytest.raises(ValidationError) as error:
        actions.publish_lesson(
            p.c1_secretary, p.c1.pk, title="x", kind=kind, minutes=5, upload=upload("lesson.pdf", data)
        )
    assert "file" in error.value.message_dict
    assert not Lesson.objects.exists()


def test_an_oversize_document_is_refused(world, settings):
    settings.PARTY_LESSON_DOC_MAX_MB = 1
    p = world.party
    big = PDF[:-7] + b"0" * (1024 * 1024) + b"%%EOF\n"
    with pytest.raises(ValidationError):
        actions.publish_lesson(
            p.c1_secretary, p.c1.pk, title="x", kind="document", minutes=5, upload=upload("a.pdf", big)
        )
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    "values,field",
    [
        ({"title": "党课\x00"}, "title"),
        ({"title": ""}, "title"),
        ({"summary": "x" * 501}, "summary"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": "abc"}, "minutes"),
        ({"kind": "image"}, "kind"),
    ],
)
def test_bad_lesson_fields_are_refused(world, values, field):
    p = world.party
    data = {"title": "党课", "summary": "", "kind": "document", "minutes": 5, "upload": upload("a.pdf", PDF)} | values
    with pytest.raises(ValidationError) as error:
        actions.publish_lesson(p.c1_secretary, p.c1.pk, **data)
    assert field in error.value.message_dict
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("who", ["member1", "instructor", "first_secretary", "c2_secretary"])
def test_only_leaders_publish_to_their_organisation(world, who):
    p = world.party
    with pytest.raises(Organisation.DoesNotExist):
        make_lesson(getattr(p, who), p.c1)
    with pytest.raises(Organisation.DoesNotExist):
        make_lesson(world.staff.admin, p.c1)
    assert not Lesson.objects.exists()


def test_update_lesson_and_withdraw(world):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1)
    with pytest.raises(Lesson.DoesNotExist):
        actions.update_lesson(p.c2_secretary, lesson.pk, title="改", minutes=5)
    actions.update_lesson(p.c1_secretary, lesson.pk, title="改过的标题", minutes=8, is_active=False)
    lesson.refresh_from_db()
    assert (lesson.title, lesson.minutes, lesson.is_active) == ("改过的标题", 8, False)
    with pytest.raises(Lesson.DoesNotExist):
        selectors.lesson_for_member(p.member1, lesson.pk)


# --- Audience and studying --------------------------------------------------------------------------


def test_members_see_lessons_of_their_organisation_and_above_only(world):
    p = world.party
    street = make_lesson(p.street_secretary, p.street, title="街道课")
    g1 = make_lesson(p.branch_secretary, p.g1, title="支部课")
    c2 = make_lesson(p.c2_secretary, p.c2, title="C2课")
    titles = {lesson.title for lesson in selectors.member_lessons(p.m1)}
    assert titles == {"街道课", "支部课"}
    assert {lesson.title for lesson in selectors.member_lessons(p.m3)} == {"街道课", "C2课"}
    for user, lesson in ((p.member3, g1), (p.commuter, street), (world.staff.resident, street), (p.c1_secretary, c2)):
        with pytest.raises(Lesson.DoesNotExist):
            actions.open_lesson(user, lesson.pk)
    assert not StudyRecord.objects.exists()


def test_a_document_is_studied_once_opened(world, heard):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1)
    with pytest.raises(ValidationError):
        actions.complete_lesson(p.member1, lesson.pk)  # never opened
    actions.open_lesson(p.member1, lesson.pk)
    record = actions.complete_lesson(p.member1, lesson.pk)
    assert record.completed_at is not None
    assert actions.complete_lesson(p.member1, lesson.pk).completed_at == record.completed_at
    done = [e for e in heard if isinstance(e, LessonCompleted)]
    assert len(done) == 1 and done[0].member_id == p.m1.pk and done[0].organisation_id == p.g1.pk


def test_a_video_counts_when_it_ended_or_after_its_minutes(world, monkeypatch):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1, kind="video", minutes=5)
    record = actions.open_lesson(p.member1, lesson.pk)
    with pytest.raises(ValidationError):
        actions.complete_lesson(p.member1, lesson.pk)
    assert StudyRecord.objects.get(pk=record.pk).completed_at is None
    later = record.started_at + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert actions.complete_lesson(p.member1, lesson.pk).completed_at == later
    audio = make_lesson(p.c1_secretary, p.c1, kind="audio", minutes=30)
    actions.open_lesson(p.member2, audio.pk)
    assert actions.complete_lesson(p.member2, audio.pk, ended=True).completed_at is not None


# --- Plans ------------------------------------------------------------------------------------------


def test_a_plan_is_published_to_the_subtrees_members_and_reminds_once_a_day(world, heard, monkeypatch):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1)
    plan = actions.create_plan(p.c1_secretary, p.c1.pk, month="2026-05-17", title="五月必学", lesson_ids=[lesson.pk])
    assert plan.month == date(2026, 5, 1) and plan.published_at is None
    actions.publish_plan(p.c1_secretary, plan.pk)
    told = [e for e in heard if isinstance(e, events.MessageSent)]
    assert set(told[0].user_ids) == {p.member1.pk, p.member2.pk}  # G1's members; not C2's, not the commuter
    with pytest.raises(ValidationError):
        actions.publish_plan(p.c1_secretary, plan.pk)
    actions.open_lesson(p.member1, lesson.pk)
    actions.complete_lesson(p.member1, lesson.pk)
    assert actions.remind_plan(p.c1_secretary, plan.pk) == 1
    assert [e for e in heard if isinstance(e, events.MessageSent)][-1].user_ids == (p.member2.pk,)
    with pytest.raises(ValidationError):
        actions.remind_plan(p.c1_secretary, plan.pk)
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    assert actions.remind_plan(p.c1_secretary, plan.pk) == 1


def test_plan_refusals_change_nothing(world):
    p = world.party
    mine = make_lesson(p.c2_secretary, p.c2)
    with pytest.raises(ValidationError) as error:
        actions.create_plan(p.c1_secretary, p.c1.pk, month="2026-05", title="x", lesson_ids=[mine.pk])
    assert "lessons" in error.value.message_dict
    for bad in ([], "1,2", [True], [[1]], list(range(60))):
        with pytest.raises(ValidationError):
            actions.create_plan(p.c1_secretary, p.c1.pk, month="2026-05", title="x", lesson_ids=bad)
    with pytest.raises(ValidationError):
        actions.create_plan(p.c1_secretary, p.c1.pk, month="not a month", title="x", lesson_ids=[mine.pk])
    with pytest.raises(Organisation.DoesNotExist):
        actions.create_plan(p.member1, p.c1.pk, month="2026-05", title="x", lesson_ids=[mine.pk])
    assert not StudyPlan.objects.exists()
    ok = actions.create_plan(p.c2_secretary, p.c2.pk, month="2026-05", title="x", lesson_ids=[mine.pk])
    with pytest.raises(ValidationError):
        actions.create_plan(p.c2_secretary, p.c2.pk, month="2026-05-09", title="y", lesson_ids=[mine.pk])
    with pytest.raises(StudyPlan.DoesNotExist):
        actions.publish_plan(p.c1_secretary, ok.pk)
    assert StudyPlan.objects.get().published_at is None


def test_account_lookup_matches_phones_only(world):
    p = world.party
    assert selectors.user_ids_for_members(selectors.audience_members(p.street)) == tuple(
        sorted([p.member1.pk, p.member2.pk, p.member3.pk])
    )


# --- The bank -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,options,answer,field",
    [
        ("single", ["a"], [0], "options"),
        ("single", ["a"] * 9, [0], "options"),
        ("single", "a,b", [0], "options"),
        ("single", [["a"], ["b"]], [0], "options"),
        ("single", [{"x": 1}, "b"], [0], "options"),
        ("single", ["a", "a"], [0], "options"),
        ("single", ["a", "b\x07"], [0], "options"),
        ("single", ["a", "x" * 201], [0], "options"),
        ("single", ["a", "b"], [0, 1], "answer"),
        ("single", ["a", "b"], [2], "answer"),
        ("single", ["a", "b"], "0", "answer"),
        ("single", ["a", "b"], [[0]], "answer"),
        ("single", ["a", "b"], [True], "answer"),
        ("multiple", ["a", "b"], [0, 0], "answer"),
        ("multiple", ["a", "b"], [], "answer"),
        ("truefalse", None, [0, 1], "answer"),
        ("essay", ["a", "b"], [0], "kind"),
    ],
)
def test_malformed_questions_are_refused(world, kind, options, answer, field):
    p = world.party
    with pytest.raises(ValidationError) as error:
        actions.save_question(p.c1_secretary, p.c1.pk, kind=kind, text="题干", options=options, answer=answer)
    assert field in error.value.message_dict
    assert not Question.objects.exists()


def test_questions_are_added_and_edited_within_reach(world):
    p = world.party
    q = actions.save_question(
        p.c1_secretary, p.c1.pk, kind="truefalse", text="党的最高理想是实现共产主义。", options=None, answer=[0]
    )
    assert q.options == ["正确", "错误"]
    with pytest.raises(Question.DoesNotExist):
        actions.save_question(p.c2_secretary, None, q.pk, kind="single", text="改", options=["a", "b"], answer=[1])
    actions.save_question(
        p.c1_secretary, None, q.pk, kind="multiple", text="改", options=["a", "b", "c"], answer=[2, 0]
    )
    q.refresh_from_db()
    assert (q.kind, q.answer) == ("multiple", [0, 2])


# --- Quizzes and attempts ---------------------------------------------------------------------------


def test_a_quiz_needs_enough_questions_and_sane_times(world):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    with pytest.raises(ValidationError) as error:
        make_quiz(p.c1_secretary, p.c1, count=4)
    assert "question_count" in error.value.message_dict
    now = timezone.now()
    with pytest.raises(ValidationError):
        make_quiz(p.c1_secretary, p.c1, opens=now, closes=now - timedelta(hours=1))
    with pytest.raises(Organisation.DoesNotExist):
        make_quiz(p.member1, p.c1)
    assert not Quiz.objects.exists()
    assert make_quiz(p.c1_secretary, p.c1, count=3).question_count == 3  # the street's bank serves C1


def test_a_paper_is_random_from_the_pool_and_marked(world, heard):
    p = world.party
    bank = make_bank(p.street_secretary, p.street, n=9)
    make_bank(p.street_secretary, p.street, n=3, topic="党史")
    quiz = make_quiz(p.c1_secretary, p.c1, count=5)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    assert len(set(attempt.question_ids)) == 5 and set(attempt.question_ids) <= {q.pk for q in bank}
    assert attempt.deadline == attempt.started_at + timedelta(minutes=10)
    assert actions.start_attempt(p.member1, quiz.pk).pk == attempt.pk  # resumes the running paper
    answers = right_answers(attempt)
    wrong = (
        next(k for k in answers if Question.objects.get(pk=int(k)).kind == "multiple")
        if any(Question.objects.get(pk=int(k)).kind == "multiple" for k in answers)
        else next(iter(answers))
    )
    question = Question.objects.get(pk=int(wrong))
    # Half a multiple answer is wrong; else another option of the question (true/false has two).
    other = next(i for i in range(len(question.options)) if i not in question.answer)
    answers[wrong] = answers[wrong][:1] if len(answers[wrong]) > 1 else [other]
    done = actions.submit_attempt(p.member1, attempt.pk, answers)
    assert (done.correct, done.score) == (4, 80) and not done.late
    submitted = [e for e in heard if isinstance(e, QuizSubmitted)]
    assert submitted[0].score == 80 and submitted[0].passed and submitted[0].organisation_id == p.g1.pk


def test_unanswered_questions_are_wrong_and_attempts_are_limited(world):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3, attempts=1)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    done = actions.submit_attempt(p.member1, attempt.pk, {})
    assert (done.score, done.passed) == (0, False)
    with pytest.raises(ValidationError):
        actions.start_attempt(p.member1, quiz.pk)
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    "answers",
    [
        [1, 2],
        "0",
        {"999999": [0]},
        {1: [0]},
        {"KEY": [[0]]},
        {"KEY": [0, 0, 0, 0, 0, 0, 0, 0, 0]},
        {"KEY": [9]},
        {"KEY": [-1]},
        {"KEY": ["0"]},
        {"KEY": [True]},
        {"KEY": {"a": 1}},
    ],
)
def test_malformed_answers_are_refused(world, answers):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    if isinstance(answers, dict) and "KEY" in answers:
        answers = {str(attempt.question_ids[0]): answers["KEY"]}
    with pytest.raises(ValidationError):
        actions.submit_attempt(p.member1, attempt.pk, answers)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_a_single_choice_with_two_picks_is_refused(world):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    single = Question.objects.filter(pk__in=attempt.question_ids, kind="single").first()
    with pytest.raises(ValidationError):
        actions.submit_attempt(p.member1, attempt.pk, {str(single.pk): [0, 1]})


def test_the_deadline_is_the_servers(world, monkeypatch):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3, limit=5)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    within_grace = attempt.deadline + actions.GRACE - timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: within_grace)
    assert actions.submit_attempt(p.member1, attempt.pk, right_answers(attempt)).score == 100
    second = actions.start_attempt(p.member1, quiz.pk)
    too_late = second.deadline + actions.GRACE + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: too_late)
    late = actions.submit_attempt(p.member1, second.pk, right_answers(second))
    assert (late.late, late.score, late.answers) == (True, 0, {})


def test_submitting_twice_the_first_wins(world):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    actions.submit_attempt(p.member1, attempt.pk, right_answers(attempt))
    with pytest.raises(ValidationError):
        actions.submit_attempt(p.member1, attempt.pk, {})
    assert Attempt.objects.get(pk=attempt.pk).score == 100


def test_a_quiz_only_within_its_window_and_audience(world):
    p = world.party
    make_bank(p.street_secretary, p.street, n=3)
    now = timezone.now()
    later = make_quiz(p.c1_secretary, p.c1, count=3, opens=now + timedelta(hours=1), closes=now + timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.start_attempt(p.member1, later.pk)
    closed = make_quiz(p.c1_secretary, p.c1, count=3, opens=now - timedelta(days=2), closes=now - timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.start_attempt(p.member1, closed.pk)
    open_quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    for outsider in (p.member3, p.commuter, world.staff.resident, p.c1_secretary):
        with pytest.raises(Quiz.DoesNotExist):
            actions.start_attempt(outsider, open_quiz.pk)
    attempt = actions.start_attempt(p.member1, open_quiz.pk)
    with pytest.raises(Attempt.DoesNotExist):
        actions.submit_attempt(p.member2, attempt.pk, {})
    assert Attempt.objects.count() == 1 and Attempt.objects.get().submitted_at is None


# --- Importing and the panel ------------------------------------------------------------------------


def _xlsx(rows):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(actions.IMPORT_HEADER))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return upload("bank.xlsx", out.getvalue())


def test_import_is_all_or_nothing(world):
    p = world.party
    good = [
        ["单选题", "党的根本宗旨是？", "全心全意为人民服务|发展经济", "A", "党章"],
        ["判断题", "党员须按期交纳党费。", "", "正确", "党章"],
    ]
    with pytest.raises(ValidationError) as error:
        actions.import_questions(
            p.c1_secretary, p.c1.pk, _xlsx(good + [["问答题", "x", "a|b", "A", ""], ["多选题", "y", "a|b", "Z", ""]])
        )
    assert len(error.value.message_dict["file"]) == 2
    assert not Question.objects.exists()
    with pytest.raises(ValidationError):
        actions.import_questions(p.c1_secretary, p.c1.pk, upload("bank.xlsx", b"PK\x03\x04 not a zip"))
    with pytest.raises(Organisation.DoesNotExist):
        actions.import_questions(p.member1, p.c1.pk, _xlsx(good))
    assert actions.import_questions(p.c1_secretary, p.c1.pk, _xlsx(good)) == 2
    assert Question.objects.get(kind="truefalse").answer == [0]


def test_panel_figures(world):
    p = world.party
    lesson = make_lesson(p.c1_secretary, p.c1)
    plan = actions.create_plan(
        p.c1_secretary, p.c1.pk, month=timezone.localdate(), title="必学", lesson_ids=[lesson.pk]
    )
    actions.publish_plan(p.c1_secretary, plan.pk)
    actions.open_lesson(p.member1, lesson.pk)
    actions.complete_lesson(p.member1, lesson.pk)
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    actions.submit_attempt(p.member1, attempt.pk, right_answers(attempt))
    figures = selectors.panel_figures([world.tree["S1"].code])
    assert figures == {"plan_completion": 0.5, "lessons": 1, "quiz_average": 100.0, "attempts": 1}
    assert selectors.panel_figures(None)["lessons"] == 1
    assert selectors.panel_figures([world.tree["S2"].code]) == {
        "plan_completion": 0.0,
        "lessons": 0,
        "quiz_average": 0.0,
        "attempts": 0,
    }
    assert wav_bytes()[:4] == b"RIFF" and MP4[4:8] == b"ftyp"


def test_demo_seed(world):
    from types import SimpleNamespace

    from civicgrid.party.demo import study as demo

    p = world.party
    ctx = SimpleNamespace(
        committees=[p.street, p.organ_root],
        street_secretary=p.street_secretary,
        members=[p.m1, p.m2, p.m3, p.m_commuter],
        member_users={p.m1.pk: p.member1, p.m2.pk: p.member2, p.m3.pk: p.member3, p.m_commuter.pk: p.commuter},
        today=timezone.localdate(),
    )
    demo.seed(ctx)
    assert Lesson.objects.count() == 12 and Question.objects.count() == 30
    assert StudyPlan.objects.get().published_at is not None
    assert StudyRecord.objects.filter(completed_at__isnull=False).exists()
    assert Attempt.objects.filter(submitted_at__isnull=False).exists()
    assert 0 < selectors.panel_figures(None)["plan_completion"] < 1
