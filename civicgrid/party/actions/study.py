"""Study (学习教育): lessons, monthly required study, the question bank, quizzes and attempts. Each
action checks the actor's reach from a fresh, locked read (civicgrid.party.selectors.study); a row
out of reach raises its Model.DoesNotExist (views answer 404) and changes nothing; a refusal raises
ValidationError ({field: message}) and changes nothing.

Lesson files are checked by content: video and audio exactly as case media
(civicgrid.cases.uploads.check_media), documents as PDF by their magic bytes and a size limit
(settings.PARTY_LESSON_DOC_MAX_MB, 20 MB by default); they go to the private attachment storage
under random names (like civicgrid.notices.files) and are served only to the lesson's audience."""

import hashlib
import secrets
from datetime import date, datetime, timedelta
from random import SystemRandom

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import uploads
from civicgrid.core import clock, events
from civicgrid.core.text import has_forbidden
from civicgrid.party import policy
from civicgrid.party.actions.common import refuse, text
from civicgrid.party.events import LessonCompleted, QuizSubmitted
from civicgrid.party.models import (
    Attempt,
    Lesson,
    LessonKind,
    Member,
    Organisation,
    Question,
    QuestionKind,
    Quiz,
    StudyPlan,
    StudyRecord,
)
from civicgrid.party.selectors import study as selectors

# Answers reaching the server this long after the deadline still count (the network, a slow phone).
GRACE = timedelta(seconds=30)
MAX_OPTIONS = 8
MAX_OPTION_CHARS = 200
TRUE_FALSE = ["正确", "错误"]
_random = SystemRandom()


# --- Lesson files -------------------------------------------------------------------------------


def _doc_limit_mb():
    return getattr(settings, "PARTY_LESSON_DOC_MAX_MB", 20)


def check_document(upload):
    """A PDF lesson document (cases.uploads.check_document), within PARTY_LESSON_DOC_MAX_MB."""
    return uploads.check_document(upload, _doc_limit_mb())


def check_lesson_file(kind, upload):
    """The checked file of a lesson of `kind`, or ValidationError({"file": ...})."""
    if not upload:
        raise ValidationError({"file": _("请选择课程文件。")})
    try:
        if kind == LessonKind.DOCUMENT:
            return check_document(upload)
        return uploads.check_media(upload, kind)
    except uploads.UploadError as error:
        raise ValidationError({"file": str(error)}) from None


def open_lesson_file(lesson):
    return uploads.attachment_storage().open(lesson.file, "rb")


def _locked_org(user, org_id):
    if org_id is None:
        raise Organisation.DoesNotExist
    return selectors.writer_orgs(user).select_for_update().get(pk=org_id)


def _int(errors, name, value, low, high, label):
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not low <= number <= high:
        errors[name] = _("%(label)s须为 %(low)d–%(high)d 之间的整数。") % {"label": label, "low": low, "high": high}
    return number


@transaction.atomic
def publish_lesson(user, org_id, *, title, summary="", kind, minutes, upload):
    """发布微党课: a lesson with its file, for the organisation's subtree (leaders only)."""
    org = _locked_org(user, org_id)
    errors = {}
    title = text(errors, "title", title, 100, required=True, label=_("标题"))
    summary = text(errors, "summary", summary, 500)
    minutes = _int(errors, "minutes", minutes, 1, 180, _("学习时长"))
    if kind not in LessonKind.values:
        errors["kind"] = _("请选择课程类型。")
    refuse(errors)
    checked = check_lesson_file(kind, upload)
    at = clock.now()
    storage = uploads.attachment_storage()
    name = storage.save(
        f"party/lessons/{at:%Y/%m}/{secrets.token_hex(16)}.{checked.extension}", ContentFile(checked.content)
    )
    try:
        return Lesson.objects.create(
            organisation=org,
            title=title,
            summary=summary,
            kind=kind,
            file=name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=hashlib.sha256(checked.content).hexdigest(),
            minutes=minutes,
            published_at=at,
            created_by=user,
        )
    except Exception:
        storage.delete(name)
        raise


@transaction.atomic
def update_lesson(user, lesson_id, *, title, summary="", minutes, is_active=True):
    lesson = Lesson.objects.select_for_update().get(pk=lesson_id, organisation__in=selectors.writer_orgs(user))
    errors = {}
    lesson.title = text(errors, "title", title, 100, required=True, label=_("标题"))
    lesson.summary = text(errors, "summary", summary, 500)
    lesson.minutes = _int(errors, "minutes", minutes, 1, 180, _("学习时长"))
    refuse(errors)
    lesson.is_active = bool(is_active)
    lesson.save(update_fields=["title", "summary", "minutes", "is_active"])
    return lesson


# --- Monthly required study -----------------------------------------------------------------------


def _month(errors, value):
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip() + ("-01" if len(value.strip()) == 7 else ""))
        except ValueError:
            value = None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date) or not 2000 <= value.year <= 2100:
        errors["month"] = _("请选择月份。")
        return None
    return date(value.year, value.month, 1)


@transaction.atomic
def create_plan(user, org_id, *, month, title, lesson_ids):
    """月度必学计划 (a draft): the lessons the organisation's subtree is to study in `month`."""
    org = _locked_org(user, org_id)
    errors = {}
    title = text(errors, "title", title, 100, required=True, label=_("标题"))
    month = _month(errors, month)
    ids = lesson_ids if isinstance(lesson_ids, list | tuple) else []
    if not ids or len(ids) > 50 or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        errors["lessons"] = _("请选择 1–50 门必学课程。")
        ids = []
    lessons = list(Lesson.objects.filter(pk__in=ids, is_active=True, organisation_id__in=selectors.ancestor_ids(org)))
    if ids and len(lessons) != len(set(ids)):
        errors["lessons"] = _("只能选择本组织及上级组织发布的有效课程。")
    refuse(errors)
    try:
        with transaction.atomic():
            plan = StudyPlan.objects.create(organisation=org, month=month, title=title, created_by=user)
    except IntegrityError:
        raise ValidationError({"month": _("本组织该月已有必学计划。")}) from None
    plan.lessons.set(lessons)
    return plan


def _plan(user, plan_id):
    return StudyPlan.objects.select_for_update().get(pk=plan_id, organisation__in=selectors.writer_orgs(user))


@transaction.atomic
def publish_plan(user, plan_id):
    """发布: tell every member of the subtree who has an account (MessageSent)."""
    plan = _plan(user, plan_id)
    if plan.published_at is not None:
        raise ValidationError(_("该计划已经发布。"))
    plan.published_at = clock.now()
    plan.save(update_fields=["published_at"])
    user_ids = selectors.user_ids_for_members(selectors.audience_members(plan.organisation))
    if user_ids:
        events.publish(
            events.MessageSent(
                user_ids=user_ids,
                title=_("本月必学：%(title)s") % {"title": plan.title},
                body=_("%(org)s发布了 %(month)s 的必学课程，请按时完成学习。")
                % {"org": plan.organisation.name, "month": f"{plan.month:%Y-%m}"},
                url=reverse("party:study"),
                topic="party",
            )
        )
    return plan


@transaction.atomic
def remind_plan(user, plan_id):
    """催学: tell the members who have not finished the plan; at most once a day per plan. Returns
    the number of accounts told."""
    plan = _plan(user, plan_id)
    today = timezone.localdate(clock.now())
    if plan.published_at is None:
        raise ValidationError(_("计划尚未发布。"))
    if plan.reminded_on == today:
        raise ValidationError(_("今天已经提醒过了，请明天再提醒。"))
    lesson_ids = list(plan.lessons.values_list("pk", flat=True))
    members = selectors.audience_members(plan.organisation)
    finished = (
        StudyRecord.objects.filter(member__in=members, lesson_id__in=lesson_ids, completed_at__isnull=False)
        .values("member_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=len(lesson_ids))
        .values("member_id")
    )
    user_ids = selectors.user_ids_for_members(members.exclude(pk__in=finished))
    plan.reminded_on = today
    plan.save(update_fields=["reminded_on"])
    if user_ids:
        events.publish(
            events.MessageSent(
                user_ids=user_ids,
                title=_("学习提醒：%(title)s") % {"title": plan.title},
                body=_("您还有本月必学课程未完成，请尽快学习。"),
                url=reverse("party:study"),
                topic="party",
            )
        )
    return len(user_ids)


# --- Studying ----------------------------------------------------------------------------------


@transaction.atomic
def open_lesson(user, lesson_id):
    """The member opened a lesson: its record starts (once)."""
    member, lesson = selectors.lesson_for_member(user, lesson_id)
    record, _created = StudyRecord.objects.get_or_create(
        member=member, lesson=lesson, defaults={"started_at": clock.now()}
    )
    return record


@transaction.atomic
def complete_lesson(user, lesson_id, *, ended=False):
    """完成学习: a document once opened; a video or audio when the page reported that it played to the
    end (`ended`) or the lesson's minutes have passed since it was opened."""
    member, lesson = selectors.lesson_for_member(user, lesson_id)
    record = StudyRecord.objects.select_for_update().filter(member=member, lesson=lesson).first()
    if record is None:
        raise ValidationError(_("请先打开课程学习。"))
    if record.completed_at is not None:
        return record
    now = clock.now()
    if lesson.kind != LessonKind.DOCUMENT and not ended and now < record.started_at + timedelta(minutes=lesson.minutes):
        raise ValidationError(
            _("请播放完课程（或学习满 %(minutes)d 分钟）后再点“完成学习”。") % {"minutes": lesson.minutes}
        )
    record.completed_at = now
    record.save(update_fields=["completed_at"])
    events.publish(
        LessonCompleted(
            member_id=member.pk, lesson_id=lesson.pk, organisation_id=member.organisation_id, user_id=user.pk
        )
    )
    return record


# --- The question bank ---------------------------------------------------------------------------


def check_options(errors, kind, options):
    """A list of 2–8 distinct non-empty strings (true/false: the two fixed options)."""
    if kind == QuestionKind.TRUEFALSE:
        return list(TRUE_FALSE)
    if not isinstance(options, list | tuple) or not 2 <= len(options) <= MAX_OPTIONS:
        errors["options"] = _("选项须为 2–8 个。")
        return []
    if not all(isinstance(item, str) for item in options):
        errors["options"] = _("每个选项都须是文字。")
        return []
    cleaned = [item.strip() for item in options]
    if has_forbidden(cleaned):
        errors["options"] = _("包含不可见的控制字符，请删除后再提交。")
    elif any(not item or len(item) > MAX_OPTION_CHARS for item in cleaned):
        errors["options"] = _("选项不能为空，且每个不超过 %(n)d 个字符。") % {"n": MAX_OPTION_CHARS}
    elif len(set(cleaned)) != len(cleaned):
        errors["options"] = _("选项不能重复。")
    return cleaned


def check_answer(errors, kind, answer, count):
    """A list of option indices: exactly one for single and true/false, one or more for multiple."""
    if (
        not isinstance(answer, list | tuple)
        or not answer
        or len(answer) > MAX_OPTIONS
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in answer)
    ):
        errors["answer"] = _("请给出正确答案。")
        return []
    picked = sorted(set(answer))
    if len(picked) != len(answer) or any(not 0 <= i < count for i in picked):
        errors["answer"] = _("答案须是已有的选项，且不能重复。")
    elif kind != QuestionKind.MULTIPLE and len(picked) != 1:
        errors["answer"] = _("单选题和判断题只有一个正确答案。")
    return picked


def _question_values(errors, kind, text_value, options, answer, topic):
    if kind not in QuestionKind.values:
        errors["kind"] = _("请选择题型。")
        kind = QuestionKind.SINGLE
    body = text(errors, "text", text_value, 500, required=True, label=_("题干"))
    options = check_options(errors, kind, options)
    answer = check_answer(errors, kind, answer, len(options)) if options else []
    topic = text(errors, "topic", topic, 50)
    return {"kind": kind, "text": body, "options": options, "answer": answer, "topic": topic}


@transaction.atomic
def save_question(user, org_id=None, question_id=None, *, kind, text, options, answer, topic="", is_active=True):
    """Add a question to the bank of a led organisation, or change one of its questions."""
    if question_id is not None:
        question = Question.objects.select_for_update().get(
            pk=question_id, organisation__in=selectors.writer_orgs(user)
        )
    else:
        question = Question(organisation=_locked_org(user, org_id), created_by=user)
    errors = {}
    values = _question_values(errors, kind, text, options, answer, topic)
    refuse(errors)
    for key, value in values.items():
        setattr(question, key, value)
    question.is_active = bool(is_active)
    question.save()
    return question


# --- Quizzes -------------------------------------------------------------------------------------


@transaction.atomic
def create_quiz(
    user,
    org_id,
    *,
    title,
    opens_at,
    closes_at,
    question_count,
    time_limit_minutes,
    pass_score=60,
    attempts_allowed=1,
    topic="",
):
    org = _locked_org(user, org_id)
    errors = {}
    quiz = Quiz(organisation=org, created_by=user)
    quiz.title = text(errors, "title", title, 100, required=True, label=_("标题"))
    quiz.topic = text(errors, "topic", topic, 50)
    quiz.question_count = _int(errors, "question_count", question_count, 1, 100, _("题量"))
    quiz.time_limit_minutes = _int(errors, "time_limit_minutes", time_limit_minutes, 1, 180, _("限时"))
    quiz.pass_score = _int(errors, "pass_score", pass_score, 0, 100, _("及格分"))
    quiz.attempts_allowed = _int(errors, "attempts_allowed", attempts_allowed, 1, 10, _("可答次数"))
    if not isinstance(opens_at, datetime):
        errors["opens_at"] = _("请填写开始时间。")
    if not isinstance(closes_at, datetime):
        errors["closes_at"] = _("请填写截止时间。")
    elif isinstance(opens_at, datetime) and closes_at <= opens_at:
        errors["closes_at"] = _("截止时间须晚于开始时间。")
    quiz.opens_at, quiz.closes_at = opens_at, closes_at
    if "question_count" not in errors and "topic" not in errors:
        available = selectors.question_pool(quiz).count()
        if available < quiz.question_count:
            errors["question_count"] = _("题库中可用的试题只有 %(n)d 道，不够组卷。") % {"n": available}
    refuse(errors)
    quiz.save()
    return quiz


def _member(user):
    member = policy.member_for(user)
    if member is None:
        raise Quiz.DoesNotExist
    # Serialise this member's starts and hand-ins: two tabs cannot both take the last attempt.
    return Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)


@transaction.atomic
def start_attempt(user, quiz_id):
    """开始答题: a random paper of the quiz's size from its pool, while the quiz is open and attempts
    are left. An attempt still running is handed back instead of a new one."""
    member = _member(user)
    quiz = selectors.member_quizzes(member).get(pk=quiz_id)
    now = clock.now()
    if now < quiz.opens_at:
        raise ValidationError(_("测试尚未开始。"))
    if now >= quiz.closes_at:
        raise ValidationError(_("测试已经截止。"))
    mine = Attempt.objects.filter(quiz=quiz, member=member)
    running = mine.filter(submitted_at__isnull=True, deadline__gt=now).order_by("-started_at").first()
    if running is not None:
        return running
    if mine.count() >= quiz.attempts_allowed:
        raise ValidationError(_("您的答题次数已用完（共 %(n)d 次）。") % {"n": quiz.attempts_allowed})
    pool = list(selectors.question_pool(quiz).values_list("pk", flat=True))
    if len(pool) < quiz.question_count:
        raise ValidationError(_("题库中的试题不够组卷，请联系组织管理员。"))
    return Attempt.objects.create(
        quiz=quiz,
        member=member,
        question_ids=_random.sample(pool, quiz.question_count),
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes),
    )


def check_answers(answers, questions):
    """{str(question id): [option indices]} for the paper's questions, or ValidationError."""
    message = _("答卷格式不正确，请刷新页面后重新作答。")
    if not isinstance(answers, dict) or len(answers) > len(questions):
        raise ValidationError({"answers": message})
    by_id = {str(q.pk): q for q in questions}
    cleaned = {}
    for key, value in answers.items():
        question = by_id.get(key) if isinstance(key, str) else None
        if question is None or not isinstance(value, list | tuple) or len(value) > MAX_OPTIONS:
            raise ValidationError({"answers": message})
        if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(question.options) for i in value):
            raise ValidationError({"answers": message})
        picked = sorted(set(value))
        if question.kind != QuestionKind.MULTIPLE and len(picked) > 1:
            raise ValidationError({"answers": message})
        cleaned[key] = picked
    return cleaned


def mark(questions, answers):
    """Right answers: single and true/false exactly; multiple all-or-nothing. (correct, score 0–100)."""
    correct = sum(1 for q in questions if answers.get(str(q.pk)) == sorted(q.answer))
    return correct, round(100 * correct / len(questions)) if questions else 0


@transaction.atomic
def submit_attempt(user, attempt_id, answers):
    """交卷: marked at once. After the deadline (plus a short grace) the answers are refused and the
    paper counts as handed in late, scoring 0. Handing in twice: the first wins."""
    member = _member(user)
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id, member=member)
    if attempt.submitted_at is not None:
        raise ValidationError(_("这份答卷已经交过了。"))
    questions = selectors.paper(attempt)
    now = clock.now()
    late = now > attempt.deadline + GRACE
    answers = {} if late else check_answers(answers, questions)
    correct, score = mark(questions, answers)
    attempt.answers, attempt.correct, attempt.score = answers, correct, score
    attempt.submitted_at, attempt.late = now, late
    attempt.save(update_fields=["answers", "correct", "score", "submitted_at", "late"])
    events.publish(
        QuizSubmitted(
            attempt_id=attempt.pk,
            quiz_id=attempt.quiz_id,
            member_id=member.pk,
            organisation_id=member.organisation_id,
            score=score,
            passed=score >= attempt.quiz.pass_score,
            late=late,
            user_id=user.pk,
        )
    )
    return attempt


# --- Importing a bank from Excel ------------------------------------------------------------------

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 1000
IMPORT_HEADER = ("题型", "题干", "选项（用 | 分隔）", "答案（字母）", "专题")
KIND_NAMES = {"单选题": QuestionKind.SINGLE, "多选题": QuestionKind.MULTIPLE, "判断题": QuestionKind.TRUEFALSE}


def _read_rows(upload):
    import zipfile

    from openpyxl import load_workbook

    if not upload or getattr(upload, "size", 0) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("请上传不超过 2 MB 的 .xlsx 文件。")})
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError({"file": _("不是有效的 .xlsx 文件。")})
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        rows = []
        for index, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
            if index > IMPORT_MAX_ROWS:
                raise ValidationError({"file": _("一次最多导入 %(n)d 道题。") % {"n": IMPORT_MAX_ROWS}})
            rows.append(row)
        book.close()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        raise ValidationError({"file": _("不是有效的 .xlsx 文件。")}) from None
    return rows[1:]  # the header


def _cell(value):
    from civicgrid.core.text import strip_forbidden

    return strip_forbidden(str(value).strip()) if value is not None else ""


@transaction.atomic
def import_questions(user, org_id, upload):
    """Import a bank from an .xlsx (columns: IMPORT_HEADER): all rows or none; every bad row listed."""
    from civicgrid.party.forms.study import parse_letters

    org = _locked_org(user, org_id)
    problems, rows = [], []
    for number, row in enumerate(_read_rows(upload), start=2):
        cells = [_cell(value) for value in (list(row) + [None] * 5)[:5]]
        if not any(cells):
            continue
        kind = KIND_NAMES.get(cells[0])
        options = [part.strip() for part in cells[2].split("|") if part.strip()]
        answer_text = {"正确": "A", "对": "A", "错误": "B", "错": "B"}.get(cells[3], cells[3])
        errors = {}
        if kind is None:
            errors["kind"] = _("题型须为单选题、多选题或判断题。")
        answer = parse_letters(answer_text)
        values = _question_values(errors, kind or QuestionKind.SINGLE, cells[1], options, answer, cells[4])
        if errors:
            problems.append(
                _("第 %(row)d 行：%(errors)s") % {"row": number, "errors": "；".join(str(m) for m in errors.values())}
            )
        else:
            rows.append(Question(organisation=org, created_by=user, **values))
    if problems:
        raise ValidationError({"file": problems[:50]})
    if not rows:
        raise ValidationError({"file": _("文件中没有试题。")})
    Question.objects.bulk_create(rows)
    return len(rows)
