"""The scope table's rows for party building's study (civicgrid/site/tests/scope_table.py).

Each side's study objects (civicgrid.party.testing.study.scope_objects) are published by its street
committee (street_org): a lesson, this month's plan, a bank, a quiz, and the side's resident's
handed-in attempt. Members' pages: A's resident (a member of A's branch) only; everyone else 404, the
study home answers everyone (a non-member sees a note). Staff pages: posts' holders and the system
admin (policy.visible_orgs); the community account's post sits below street_org, so street_org's rows
are out of its reach (404). Writing: leaders (policy.led_orgs) only — the admin reads."""

from datetime import timedelta

from django.utils import timezone

from civicgrid.site.tests.scope_table import E, View

LIST = E("404", community="200", street="200", admin="200")
# A new row in the role's own organisation; B's organisation is not a choice of the form (400).
NEW = E("404 404", community="302 400", street="302 400")
STREET_READ = E("404 404", street="200 404", admin="200 404")
# Edits in place (a lesson's title, a plan's reminder day, a question): test_scope_walk compares
# party.Lesson / StudyPlan / Question row by row.
STREET_WRITE = E("404 404", street="302 404")
RESIDENT = E("404 404", resident="200 404")


def study(attr):
    """A side's study object `attr` (o.party.<attr>) as the URL's pk."""

    def target(w, side, role):
        return {"pk": getattr(w.sides[side].party, attr).pk}, ""

    return target


def _party(w, side):
    return w.sides[side].party


def _org(w, side, role):
    o = _party(w, side)
    return (o.community_org if role == "community" else o.street_org).pk


def _pdf(w, side, role):
    from civicgrid.party.testing.study import PDF, upload

    return {
        "organisation": _org(w, side, role),
        "title": "新党课",
        "kind": "document",
        "minutes": 5,
        "file": upload("a.pdf", PDF),
    }


def _plan(w, side, role):
    today = timezone.localdate()
    next_month = (today.replace(day=28) + timedelta(days=5)).replace(day=1)
    return {
        "organisation": _org(w, side, role),
        "title": "下月必学",
        "month": next_month.isoformat(),
        "lessons": [_party(w, side).lesson.pk],
    }


def _question(w, side, role):
    return {
        "organisation": _org(w, side, role),
        "kind": "single",
        "text": "党的根本宗旨是什么？",
        "options": "全心全意为人民服务\n发展经济",
        "answer": "A",
        "topic": "党章",
        "is_active": "on",
    }


def _import(w, side, role):
    import io

    from openpyxl import Workbook

    from civicgrid.party.testing.study import upload

    book = Workbook()
    book.active.append(["题型", "题干", "选项", "答案", "专题"])
    book.active.append(["判断题", "党员须按期交纳党费。", "", "正确", "党章"])
    out = io.BytesIO()
    book.save(out)
    return {"organisation": _org(w, side, role), "file": upload("bank.xlsx", out.getvalue())}


def _quiz(w, side, role):
    now = timezone.localtime()
    return {
        "organisation": _org(w, side, role),
        "title": "新测试",
        "question_count": 3,
        "time_limit_minutes": 10,
        "pass_score": 60,
        "attempts_allowed": 1,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }


def _none(w, side, role):
    return {}, ""


URLS = {
    "party:study": View(get=E("200")),
    "party:study_lesson": View(study("lesson"), get=RESIDENT),
    # Never opened in the walk's world: finishing is refused on the page.
    "party:study_lesson_complete": View(study("lesson"), post=E("404 404", resident="302= 404")),
    "party:study_lesson_file": View(
        study("lesson"), get=E("404 404", resident="200 404", street="200 404", admin="200 404")
    ),
    # One of two attempts is used: starting makes the second paper.
    "party:study_quiz": View(study("quiz"), get=RESIDENT, post=E("404 404", resident="302 404")),
    # The attempt is handed in: the paper page leads to its result; handing in again changes nothing.
    "party:study_attempt": View(
        study("attempt"), get=E("404 404", resident="302 404"), post=E("404 404", resident="302= 404")
    ),
    "party:study_result": View(study("attempt"), get=RESIDENT),
    "party:lessons_manage": View(_none, get=LIST, post=NEW, data=_pdf),
    "party:study_lesson_edit": View(
        study("lesson"),
        get=STREET_READ,
        post=STREET_WRITE,
        data=lambda w, s, r: {"title": "改过的标题", "summary": "", "minutes": 6, "is_active": "on"},
    ),
    "party:study_plans": View(_none, get=LIST, post=NEW, data=_plan),
    "party:study_plan": View(study("plan"), get=STREET_READ, post=STREET_WRITE, data={"step": "remind"}),
    "party:study_questions": View(_none, get=LIST, post=NEW, data=_question),
    "party:study_question": View(study("question"), get=STREET_READ, post=STREET_WRITE, data=_question),
    "party:study_questions_import": View(
        _none, post=E("404 404", community="302 302=", street="302 302="), data=_import
    ),
    "party:study_quizzes": View(_none, get=LIST, post=NEW, data=_quiz),
    "party:study_quiz_scores": View(study("quiz"), get=STREET_READ),
    "party:study_quiz_export": View(study("quiz"), get=STREET_READ),
}
