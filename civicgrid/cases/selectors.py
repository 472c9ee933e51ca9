"""The read path for cases: what case pages and queues start from. Every function starts from
Case.objects.restrict(user, "view"), so nothing here can show a case outside the user's scope."""

from django.db.models import F, Q

from civicgrid.cases.errors import CaseNotFound
from civicgrid.cases.models import OPEN_STATUSES, PUBLIC_EVENT_TYPES, Case, CaseEvent, Light
from civicgrid.core.scoping import subtree_q


def _lookup(key):
    key = str(key)
    lookup = {"number": key} if "-" in key else {"pk": int(key)} if key.isdigit() else None
    if lookup is None:
        raise CaseNotFound()
    return lookup


DETAIL_RELATED = ("category__parent", "grid", "community", "street", "handling_department", "assignee", "reporter")


def visible_case(user, key):
    """The case with id or number `key` if `user` may see it; CaseNotFound otherwise (also when it
    exists but lies outside the user's scope)."""
    cases = Case.objects.restrict(user, "view").select_related(*DETAIL_RELATED)
    try:
        return cases.get(**_lookup(key))
    except Case.DoesNotExist:
        raise CaseNotFound() from None


def readable_case(user, key):
    """(case, access.Reading) for a case `user` may read in some form: in full, as its reporter,
    or as a follower (its public version only); CaseNotFound otherwise."""
    from civicgrid.cases import access

    lookup = _lookup(key)
    cases = Case.objects.restrict(user, "view") | Case.objects.filter(pk__in=access.followed_ids(user))
    case = cases.select_related(*DETAIL_RELATED).filter(**lookup).first()
    if case is None:
        raise CaseNotFound()
    level = access.reading(user, case)
    if level <= access.Reading.NONE:
        raise CaseNotFound()
    return case, level


def timeline(case, public=False):
    """The case's events in order; `public` keeps only what the reporter's timeline shows."""
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    return events.filter(type__in=PUBLIC_EVENT_TYPES) if public else events


def queue(
    user,
    *,
    statuses=None,
    deadline_light=None,
    stage_light=None,
    category=None,
    region=None,
    source=None,
    reported_from=None,
    reported_to=None,
    now=None,
):
    """A dispatcher's queue: open cases (or `statuses`) the user may see, soonest due first, with
    both lights annotated (`deadline_colour`, `stage_colour`). Every filter is a plain indexed
    condition, so the queue stays fast on a street with a million cases."""
    cases = Case.objects.restrict(user, "view", within=Q(status__in=statuses or OPEN_STATUSES))
    if deadline_light:
        cases = cases.deadline_light(Light(deadline_light), now=now)
    if stage_light:
        cases = cases.stage_light(Light(stage_light))
    if category is not None:
        # A major class stands for all its minor classes.
        cases = (
            cases.filter(category__in=[category, *category.children.all()])
            if category.is_major
            else cases.filter(category=category)
        )
    if region is not None:
        cases = cases.filter(subtree_q("region_code", [region.code]))
    if source:
        cases = cases.filter(source=source)
    if reported_from:
        cases = cases.filter(reported_at__gte=reported_from)
    if reported_to:
        cases = cases.filter(reported_at__lt=reported_to)
    return (
        cases.with_lights(now=now)
        .select_related("category", "grid", "community", "handling_department", "assignee")
        .order_by(F("step_due_at").asc(nulls_last=True), "reported_at", "pk")
    )
