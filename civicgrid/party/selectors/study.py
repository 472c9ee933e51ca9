"""Reads of party building's study. A member's side starts from their own membership
(policy.member_for): they see what their organisation and the organisations above it published. The
staff side starts from policy.visible_orgs (any post, subtree; admins' region scope): publishers
write where they lead (policy.led_orgs). Members' names show only to policy.member_orgs holders;
everyone else sees counts."""

from collections import defaultdict
from datetime import date

from django.db.models import Avg, Count
from django.db.models.functions import Right
from django.utils import timezone

from civicgrid.core.scoping import subtree_q
from civicgrid.party import policy
from civicgrid.party.models import (
    Attempt,
    Lesson,
    Member,
    Organisation,
    Question,
    Quiz,
    StudyPlan,
    StudyRecord,
)


def ancestor_ids(org):
    """The ids of `org` and every organisation above it (from its path "/1/5/9/")."""
    return [int(part) for part in org.path.strip("/").split("/") if part.isdigit()]


def month_start(day=None):
    day = day or timezone.localdate()
    return date(day.year, day.month, 1)


def audience_members(org):
    """The active members of the organisation's subtree."""
    return Member.objects.filter(is_active=True, organisation__path__startswith=org.path)


def user_ids_for_members(members):
    """The ids of the active accounts behind `members` (a queryset): an account belongs to a member
    when its phone hashes to the member's person's phone hash, as policy.member_for decides. Only
    accounts whose phone ends like a member's (the stored mask's last four digits) are hashed."""
    from civicgrid.accounts.models import User
    from civicgrid.people.models import Person
    from civicgrid.people.rules import phone_hash

    rows = Person.objects.filter(pk__in=members.values("person_id")).exclude(phone_hash="")
    hashes, tails = set(), set()
    for digest, masked in rows.values_list("phone_hash", "phone_masked"):
        hashes.add(digest)
        if masked and len(masked) >= 4:
            tails.add(masked[-4:])
    found = set()
    tails = sorted(tails)
    for start in range(0, len(tails), 2000):
        candidates = (
            User.objects.filter(is_active=True, phone__isnull=False)
            .annotate(tail=Right("phone", 4))
            .filter(tail__in=tails[start : start + 2000])
            .values_list("pk", "phone")
        )
        found.update(pk for pk, phone in candidates if phone and phone_hash(phone) in hashes)
    return tuple(sorted(found))


# --- Members' side ------------------------------------------------------------------------------


def member_lessons(member):
    return Lesson.objects.filter(is_active=True, organisation_id__in=ancestor_ids(member.organisation)).select_related(
        "organisation"
    )


def lesson_for_member(user, pk):
    """(member, lesson) of the signed-in member's audience; Lesson.DoesNotExist otherwise."""
    member = policy.member_for(user)
    if member is None or pk is None:
        raise Lesson.DoesNotExist
    return member, member_lessons(member).get(pk=pk)


def member_plans(member, month=None):
    return (
        StudyPlan.objects.filter(
            published_at__isnull=False,
            organisation_id__in=ancestor_ids(member.organisation),
            month=month or month_start(),
        )
        .prefetch_related("lessons")
        .order_by("organisation__path", "pk")
    )


def records_of(member):
    return {r.lesson_id: r for r in StudyRecord.objects.filter(member=member)}


def member_quizzes(member):
    return Quiz.objects.filter(organisation_id__in=ancestor_ids(member.organisation))


def quiz_for_member(user, pk):
    member = policy.member_for(user)
    if member is None or pk is None:
        raise Quiz.DoesNotExist
    return member, member_quizzes(member).get(pk=pk)


def attempt_for_member(user, pk):
    member = policy.member_for(user)
    if member is None or pk is None:
        raise Attempt.DoesNotExist
    return Attempt.objects.select_related("quiz").get(pk=pk, member=member)


def my_attempts(member):
    return Attempt.objects.filter(member=member).select_related("quiz")


def paper(attempt):
    """The attempt's questions in the order drawn."""
    rows = Question.objects.in_bulk(attempt.question_ids)
    return [rows[pk] for pk in attempt.question_ids if pk in rows]


def home(member):
    """What a member's study page shows."""
    records = records_of(member)
    plans = list(member_plans(member))
    required_ids = set()
    for plan in plans:
        plan.rows = [(lesson, records.get(lesson.pk)) for lesson in plan.lessons.all() if lesson.is_active]
        plan.done = sum(1 for _lesson, record in plan.rows if record and record.completed_at)
        required_ids.update(lesson.pk for lesson, _record in plan.rows)
    others = [
        (lesson, records.get(lesson.pk)) for lesson in member_lessons(member)[:100] if lesson.pk not in required_ids
    ]
    now = timezone.now()
    quizzes = list(member_quizzes(member).filter(opens_at__lte=now, closes_at__gt=now)[:20])
    used = dict(
        Attempt.objects.filter(member=member, quiz__in=quizzes)
        .values_list("quiz_id")
        .annotate(n=Count("pk"))
        .values_list("quiz_id", "n")
    )
    for quiz in quizzes:
        quiz.left = max(0, quiz.attempts_allowed - used.get(quiz.pk, 0))
    scores = list(my_attempts(member).filter(submitted_at__isnull=False)[:20])
    return {"plans": plans, "others": others, "quizzes": quizzes, "scores": scores}


# --- Staff side ---------------------------------------------------------------------------------


def staff_orgs(user):
    return policy.visible_orgs(user)


def writer_orgs(user):
    """Where the user publishes lessons, plans, questions and quizzes: the organisations they lead."""
    return policy.led_orgs(user).filter(is_active=True)


def is_staff(user):
    return staff_orgs(user).exists()


def staff_lessons(user):
    return Lesson.objects.filter(organisation__in=staff_orgs(user).values("pk")).select_related("organisation")


def staff_plans(user):
    return (
        StudyPlan.objects.filter(organisation__in=staff_orgs(user).values("pk"))
        .select_related("organisation")
        .prefetch_related("lessons")
    )


def staff_questions(user):
    return Question.objects.filter(organisation__in=staff_orgs(user).values("pk")).select_related("organisation")


def staff_quizzes(user):
    return Quiz.objects.filter(organisation__in=staff_orgs(user).values("pk")).select_related("organisation")


def plan_lessons_for(user):
    """Lessons a plan of the user's organisations may require (published at or above a led organisation)."""
    ids = set()
    for org in writer_orgs(user):
        ids.update(ancestor_ids(org))
    return Lesson.objects.filter(is_active=True, organisation_id__in=ids)


def _names(members):
    return {m.pk: m.person.name for m in members.select_related("person")}


def _branch_rows(org, member_orgs_ids, per_member):
    """Rows per organisation of `org`'s subtree that has members: (organisation, total, done)."""
    counts = defaultdict(lambda: [0, 0])
    for org_id, done in per_member:
        counts[org_id][0] += 1
        counts[org_id][1] += int(done)
    orgs = Organisation.objects.in_bulk(list(counts))
    rows = []
    for org_id, (total, done) in counts.items():
        rows.append({"organisation": orgs[org_id], "total": total, "done": done, "rate": done / total if total else 0})
    rows.sort(key=lambda row: row["organisation"].path)
    return rows


def plan_completion(user, plan):
    """Completion of a plan: per branch (counts), per member (names only where the user sees membership)."""
    lesson_ids = [lesson.pk for lesson in plan.lessons.all()]
    members = audience_members(plan.organisation)
    done = dict(
        StudyRecord.objects.filter(member__in=members, lesson_id__in=lesson_ids, completed_at__isnull=False)
        .values_list("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    needed = len(lesson_ids)
    rows = list(members.values_list("pk", "organisation_id"))
    per_member = [(org_id, needed > 0 and done.get(pk, 0) >= needed) for pk, org_id in rows]
    visible = set(policy.member_orgs(user).values_list("pk", flat=True))
    named = members.filter(organisation_id__in=visible).select_related("person", "organisation")
    people = [
        {"name": m.person.name, "organisation": m.organisation, "done": done.get(m.pk, 0), "needed": needed}
        for m in named
    ]
    total = len(rows)
    complete = sum(1 for _org, ok in per_member if ok)
    return {
        "branches": _branch_rows(plan.organisation, visible, per_member),
        "people": people,
        "total": total,
        "complete": complete,
        "rate": complete / total if total else 0,
        "names_visible": bool(visible & {org_id for _pk, org_id in rows}),
    }


def quiz_scores(user, quiz):
    """Best submitted score per member (names where the user sees membership) and per branch."""
    attempts = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).select_related("member")
    best = {}
    for attempt in attempts:
        seen = best.get(attempt.member_id)
        if seen is None or (attempt.score or 0) > (seen.score or 0):
            best[attempt.member_id] = attempt
    visible = set(policy.member_orgs(user).values_list("pk", flat=True))
    members = Member.objects.filter(pk__in=list(best)).select_related("person", "organisation")
    people = []
    branches = defaultdict(lambda: {"members": 0, "sum": 0, "passed": 0})
    for member in members:
        attempt = best[member.pk]
        row = branches[member.organisation_id]
        row["members"] += 1
        row["sum"] += attempt.score or 0
        row["passed"] += int((attempt.score or 0) >= quiz.pass_score)
        if member.organisation_id in visible:
            people.append(
                {
                    "name": member.person.name,
                    "organisation": member.organisation,
                    "score": attempt.score,
                    "passed": (attempt.score or 0) >= quiz.pass_score,
                    "submitted_at": attempt.submitted_at,
                    "late": attempt.late,
                }
            )
    orgs = Organisation.objects.in_bulk(list(branches))
    branch_rows = [
        {
            "organisation": orgs[org_id],
            "members": row["members"],
            "average": round(row["sum"] / row["members"], 1),
            "passed": row["passed"],
        }
        for org_id, row in branches.items()
    ]
    branch_rows.sort(key=lambda row: row["organisation"].path)
    people.sort(key=lambda row: (-(row["score"] or 0), row["organisation"].path))
    return {"people": people, "branches": branch_rows, "attempts": attempts.count()}


# --- The command screen -------------------------------------------------------------------------


def panel_figures(region_codes=None):
    """Counts for the command screen's party-building panel, for organisations whose region_code is
    in the subtree of any of `region_codes` (None: everything): this month's required-study
    completion (member-lessons done / required), lessons published, quiz average and attempts."""
    orgs = Organisation.objects.filter(is_active=True)
    if region_codes is not None:
        orgs = orgs.filter(subtree_q("region_code", list(region_codes))) if region_codes else orgs.none()
    org_ids = orgs.values("pk")
    required = done = 0
    for plan in StudyPlan.objects.filter(
        organisation__in=org_ids, month=month_start(), published_at__isnull=False
    ).prefetch_related("lessons"):
        lesson_ids = [lesson.pk for lesson in plan.lessons.all()]
        members = audience_members(plan.organisation)
        required += members.count() * len(lesson_ids)
        done += StudyRecord.objects.filter(
            member__in=members, lesson_id__in=lesson_ids, completed_at__isnull=False
        ).count()
    attempts = Attempt.objects.filter(quiz__organisation__in=org_ids, submitted_at__isnull=False)
    average = attempts.aggregate(avg=Avg("score"))["avg"]
    return {
        "plan_completion": round(done / required, 2) if required else 0.0,
        "lessons": Lesson.objects.filter(organisation__in=org_ids, is_active=True).count(),
        "quiz_average": round(float(average), 1) if average is not None else 0.0,
        "attempts": attempts.count(),
    }


def question_pool(quiz):
    """The active questions a quiz draws from: banks of its organisation and those above, of its topic."""
    pool = Question.objects.filter(is_active=True, organisation_id__in=ancestor_ids(quiz.organisation))
    if quiz.topic:
        pool = pool.filter(topic=quiz.topic)
    return pool
