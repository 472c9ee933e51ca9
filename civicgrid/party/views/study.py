"""Views of party building's study (学习教育). Members (phone): their study page, a lesson, a quiz, an
attempt and its result. Staff (laptop): lessons, monthly plans with completion, the question bank,
quizzes with scores and their export. Out of reach answers 404 and changes nothing; a refusal shows
its message (400 on a form) and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.forms import add_errors
from civicgrid.core.text import object_id
from civicgrid.party import policy
from civicgrid.party.actions import study as actions
from civicgrid.party.forms import study as forms
from civicgrid.party.models import Attempt, Lesson, Quiz, StudyPlan
from civicgrid.party.selectors import study as selectors
from civicgrid.party.views.common import private_file


def _refuse(request, error):
    for message in error.messages:
        messages.error(request, message)


def _get(queryset, pk):
    pk = object_id(pk)
    row = queryset.filter(pk=pk).first() if pk else None
    if row is None:
        raise Http404
    return row


# --- Members (phone) -----------------------------------------------------------------------------


@login_required
def home(request):
    member = policy.member_for(request.user)
    context = {"member": member, "is_staff": selectors.is_staff(request.user)}
    if member is not None:
        context.update(selectors.home(member))
    return render(request, "party/study_home.html", context)


@login_required
def lesson(request, pk):
    try:
        member, row = selectors.lesson_for_member(request.user, object_id(pk))
        record = actions.open_lesson(request.user, row.pk)
    except Lesson.DoesNotExist:
        raise Http404 from None
    return render(request, "party/study_lesson.html", {"lesson": row, "record": record, "member": member})


@login_required
@require_POST
def lesson_complete(request, pk):
    try:
        actions.complete_lesson(request.user, object_id(pk), ended=request.POST.get("ended") == "1")
    except Lesson.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("已完成学习。"))
    return redirect("party:study_lesson", pk=pk)


@login_required
def lesson_file(request, pk):
    pk = object_id(pk)
    row = None
    member = policy.member_for(request.user)
    if pk and member is not None:
        row = selectors.member_lessons(member).filter(pk=pk).first()
    if pk and row is None:
        row = selectors.staff_lessons(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    try:
        handle = actions.open_lesson_file(row)
    except OSError:
        raise Http404 from None
    return private_file(handle, row, fallback=f"lesson-{row.pk}.pdf")


@login_required
def quiz(request, pk):
    try:
        member, row = selectors.quiz_for_member(request.user, object_id(pk))
    except Quiz.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            attempt = actions.start_attempt(request.user, row.pk)
        except Quiz.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            _refuse(request, error)
            return redirect("party:study_quiz", pk=row.pk)
        return redirect("party:study_attempt", pk=attempt.pk)
    attempts = list(selectors.my_attempts(member).filter(quiz=row))
    now = timezone.now()
    context = {
        "quiz": row,
        "attempts": attempts,
        "left": max(0, row.attempts_allowed - len(attempts)),
        "is_open": row.opens_at <= now < row.closes_at,
    }
    return render(request, "party/study_quiz.html", context)


def _answers(post, questions):
    """{question id: [indices]} from the form's q<id> fields (bounded; the action checks the rest)."""
    answers = {}
    for question in questions:
        values = post.getlist(f"q{question.pk}")[: actions.MAX_OPTIONS + 1]
        if not values:
            continue
        picked = []
        for value in values:
            value = value.strip()
            picked.append(int(value) if value.isascii() and value.isdigit() and len(value) <= 2 else -1)
        answers[str(question.pk)] = picked
    return answers


@login_required
def attempt(request, pk):
    try:
        row = selectors.attempt_for_member(request.user, object_id(pk))
    except ObjectDoesNotExist:
        raise Http404 from None
    if row.submitted_at is not None:
        return redirect("party:study_result", pk=row.pk)
    questions = selectors.paper(row)
    if request.method == "POST":
        try:
            actions.submit_attempt(request.user, row.pk, _answers(request.POST, questions))
        except ObjectDoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            _refuse(request, error)
            if not Attempt.objects.filter(pk=row.pk, submitted_at__isnull=False).exists():
                return render(request, "party/study_attempt.html", {"attempt": row, "questions": questions}, status=400)
        return redirect("party:study_result", pk=row.pk)
    return render(request, "party/study_attempt.html", {"attempt": row, "questions": questions})


@login_required
def result(request, pk):
    try:
        row = selectors.attempt_for_member(request.user, object_id(pk))
    except ObjectDoesNotExist:
        raise Http404 from None
    if row.submitted_at is None:
        return redirect("party:study_attempt", pk=row.pk)
    rows = []
    for question in selectors.paper(row):
        given = row.answers.get(str(question.pk), [])
        rows.append(
            {
                "question": question,
                "given": given,
                "right": given == sorted(question.answer),
                "options": [
                    (index, text, index in given, index in question.answer)
                    for index, text in enumerate(question.options)
                ],
            }
        )
    return render(request, "party/study_result.html", {"attempt": row, "rows": rows})


# --- Staff (laptop) ------------------------------------------------------------------------------


def _staff(request):
    if not selectors.is_staff(request.user):
        raise Http404


@login_required
def lessons_manage(request):
    _staff(request)
    orgs = list(selectors.writer_orgs(request.user))
    form = forms.LessonForm(request.POST or None, request.FILES or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        if not orgs:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.publish_lesson(
                    request.user,
                    data["organisation"],
                    title=data["title"],
                    summary=data["summary"],
                    kind=data["kind"],
                    minutes=data["minutes"],
                    upload=data["file"],
                )
            except Lesson.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("课程已发布。"))
                return redirect("party:lessons_manage")
        status = 400
    lessons = selectors.staff_lessons(request.user)
    context = {"form": form, "lessons": list(lessons[:300]), "can_write": bool(orgs), "tab": "lessons"}
    return render(request, "party/study_lessons.html", context, status=status)


@login_required
def lesson_edit(request, pk):
    _staff(request)
    row = _get(selectors.staff_lessons(request.user), pk)
    can_write = selectors.writer_orgs(request.user).filter(pk=row.organisation_id).exists()
    initial = {"title": row.title, "summary": row.summary, "minutes": row.minutes, "is_active": row.is_active}
    form = forms.LessonEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            try:
                actions.update_lesson(request.user, row.pk, **form.cleaned_data)
            except Lesson.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("party:lessons_manage")
        status = 400
    context = {"form": form, "lesson": row, "can_write": can_write, "tab": "lessons"}
    return render(request, "party/study_lesson_edit.html", context, status=status)


@login_required
def plans(request):
    _staff(request)
    orgs = list(selectors.writer_orgs(request.user))
    form = forms.PlanForm(
        request.POST or None,
        orgs=orgs,
        lessons=selectors.plan_lessons_for(request.user)[:200],
        initial={"month": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not orgs:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = actions.create_plan(
                    request.user,
                    data["organisation"],
                    month=data["month"],
                    title=data["title"],
                    lesson_ids=data["lessons"],
                )
            except StudyPlan.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("计划已保存，发布后党员即收到通知。"))
                return redirect("party:study_plan", pk=plan.pk)
        status = 400
    context = {"form": form, "plans": list(selectors.staff_plans(request.user)[:200]), "can_write": bool(orgs)}
    context["tab"] = "plans"
    return render(request, "party/study_plans.html", context, status=status)


@login_required
def plan(request, pk):
    _staff(request)
    row = _get(selectors.staff_plans(request.user), pk)
    can_write = selectors.writer_orgs(request.user).filter(pk=row.organisation_id).exists()
    if request.method == "POST":
        if not can_write:
            raise Http404
        step = request.POST.get("step")
        try:
            if step == "publish":
                actions.publish_plan(request.user, row.pk)
                messages.success(request, _("已发布并通知党员。"))
            elif step == "remind":
                told = actions.remind_plan(request.user, row.pk)
                messages.success(request, _("已提醒 %(n)d 名未完成的党员。") % {"n": told})
            else:
                messages.error(request, _("请选择操作。"))
        except StudyPlan.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            _refuse(request, error)
        return redirect("party:study_plan", pk=row.pk)
    context = {"plan": row, "completion": selectors.plan_completion(request.user, row), "can_write": can_write}
    context["tab"] = "plans"
    return render(request, "party/study_plan.html", context)


def _question_form(request, orgs, question=None):
    initial = {"is_active": True}
    if question is not None:
        initial = {
            "organisation": question.organisation_id,
            "kind": question.kind,
            "text": question.text,
            "options": "\n".join(question.options),
            "answer": "".join(forms.LETTERS[i] for i in question.answer if 0 <= i < len(forms.LETTERS)),
            "topic": question.topic,
            "is_active": question.is_active,
        }
    return forms.QuestionForm(request.POST or None, orgs=orgs, initial=initial)


def _save_question(request, form, question=None):
    data = form.cleaned_data
    try:
        actions.save_question(
            request.user,
            data["organisation"],
            question.pk if question else None,
            kind=data["kind"],
            text=data["text"],
            options=data["options"],
            answer=data["answer"],
            topic=data["topic"],
            is_active=data["is_active"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@login_required
def questions(request):
    _staff(request)
    orgs = list(selectors.writer_orgs(request.user))
    form = _question_form(request, orgs)
    status = 200
    if request.method == "POST":
        if not orgs:
            raise Http404
        try:
            if form.is_valid() and _save_question(request, form):
                messages.success(request, _("试题已加入题库。"))
                return redirect("party:study_questions")
        except ObjectDoesNotExist:
            raise Http404 from None
        status = 400
    rows = selectors.staff_questions(request.user)
    topic = request.GET.get("topic", "")[:50]
    if topic:
        rows = rows.filter(topic=topic)
    context = {
        "form": form,
        "import_form": forms.ImportForm(orgs=orgs),
        "questions": list(rows[:500]),
        "can_write": bool(orgs),
        "tab": "questions",
        "letters": forms.LETTERS,
    }
    return render(request, "party/study_questions.html", context, status=status)


@login_required
def question(request, pk):
    _staff(request)
    row = _get(selectors.staff_questions(request.user), pk)
    orgs = list(selectors.writer_orgs(request.user))
    can_write = any(org.pk == row.organisation_id for org in orgs)
    form = _question_form(request, orgs, row)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise Http404
        try:
            if form.is_valid() and _save_question(request, form, row):
                messages.success(request, _("已保存。"))
                return redirect("party:study_questions")
        except ObjectDoesNotExist:
            raise Http404 from None
        status = 400
    context = {"form": form, "question": row, "can_write": can_write, "tab": "questions"}
    return render(request, "party/study_question.html", context, status=status)


@login_required
@require_POST
def questions_import(request):
    _staff(request)
    orgs = list(selectors.writer_orgs(request.user))
    if not orgs:
        raise Http404
    form = forms.ImportForm(request.POST, request.FILES, orgs=orgs)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("party:study_questions")
    try:
        count = actions.import_questions(request.user, form.cleaned_data["organisation"], form.cleaned_data["file"])
    except ObjectDoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("已导入 %(n)d 道试题。") % {"n": count})
    return redirect("party:study_questions")


@login_required
def quizzes(request):
    _staff(request)
    orgs = list(selectors.writer_orgs(request.user))
    form = forms.QuizForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        if not orgs:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.create_quiz(request.user, data.pop("organisation"), **data)
            except Quiz.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("测试已创建。"))
                return redirect("party:study_quizzes")
        status = 400
    context = {"form": form, "quizzes": list(selectors.staff_quizzes(request.user)[:200]), "can_write": bool(orgs)}
    context["tab"] = "quizzes"
    return render(request, "party/study_quizzes.html", context, status=status)


@login_required
def quiz_scores(request, pk):
    _staff(request)
    row = _get(selectors.staff_quizzes(request.user), pk)
    context = {"quiz": row, "scores": selectors.quiz_scores(request.user, row), "tab": "quizzes"}
    return render(request, "party/study_quiz_scores.html", context)


@login_required
def quiz_export(request, pk):
    from openpyxl import Workbook

    from civicgrid.core import xlsx
    from civicgrid.core.xlsx import Table

    _staff(request)
    row = _get(selectors.staff_quizzes(request.user), pk)
    scores = selectors.quiz_scores(request.user, row)
    book = Workbook(write_only=True)
    branches = Table(
        book.create_sheet(_("支部成绩")),
        [(_("党组织"), 30), (_("参考人数"), 10), (_("平均分"), 10), (_("及格人数"), 10)],
    )
    for item in scores["branches"]:
        branches.row([item["organisation"].name, item["members"], item["average"], item["passed"]])
    branches.close()
    people = Table(
        book.create_sheet(_("党员成绩")),
        [
            (_("姓名"), 14),
            (_("党组织"), 30),
            (_("得分"), 8),
            (_("是否及格"), 10),
            (_("交卷时间"), 17, "yyyy-mm-dd hh:mm"),
        ],
    )
    for item in scores["people"]:
        people.row(
            [
                item["name"],
                item["organisation"].name,
                item["score"],
                _("及格") if item["passed"] else _("不及格"),
                item["submitted_at"],
            ]
        )
    people.close()
    return xlsx.response(book, f"quiz-{row.pk}-scores.xlsx")


urlpatterns = [
    path("study/", home, name="study"),
    path("study/lessons/<int:pk>/", lesson, name="study_lesson"),
    path("study/lessons/<int:pk>/complete/", lesson_complete, name="study_lesson_complete"),
    path("study/lessons/<int:pk>/file/", lesson_file, name="study_lesson_file"),
    path("study/quizzes/<int:pk>/", quiz, name="study_quiz"),
    path("study/attempts/<int:pk>/", attempt, name="study_attempt"),
    path("study/attempts/<int:pk>/result/", result, name="study_result"),
    path("study/manage/lessons/", lessons_manage, name="lessons_manage"),
    path("study/manage/lessons/<int:pk>/", lesson_edit, name="study_lesson_edit"),
    path("study/manage/plans/", plans, name="study_plans"),
    path("study/manage/plans/<int:pk>/", plan, name="study_plan"),
    path("study/manage/questions/", questions, name="study_questions"),
    path("study/manage/questions/<int:pk>/", question, name="study_question"),
    path("study/manage/questions/import/", questions_import, name="study_questions_import"),
    path("study/manage/quizzes/", quizzes, name="study_quizzes"),
    path("study/manage/quizzes/<int:pk>/", quiz_scores, name="study_quiz_scores"),
    path("study/manage/quizzes/<int:pk>/export/", quiz_export, name="study_quiz_export"),
]
