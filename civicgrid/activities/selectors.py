"""Reads. Staff lists start from `Activity.objects.restrict(user, action)`; residents see the published
activities meant for their community (`for_resident`): those of their community's subtree and those
of the street or district above it. A resident's community is the region of their RESIDENT role
assignment (the deepest, when they hold several)."""

from django.db.models import Count, Q
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments, scope_codes
from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus, Photo, Status
from civicgrid.core.scoping import subtree_q
from civicgrid.regions.codes import ancestor_codes
from civicgrid.regions.models import Level, Region

COMMUNITY = "community"
COMMUNITY_CODE_LENGTH = 12
ORGANISER_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)


def resident_home(user):
    """The region of the user's RESIDENT role (the deepest), or None."""
    if not user.is_authenticated:
        return None
    regions = [a.region for a in active_assignments(user) if a.role == Role.RESIDENT and a.region_id]
    return max(regions, key=lambda r: len(r.code), default=None)


def for_resident(user, kind=COMMUNITY):
    """The activities of `kind` a resident may see: published or finished, for their community's
    subtree or a region above it. Nobody else's (an empty queryset for a user with no RESIDENT role)."""
    home = resident_home(user)
    if home is None:
        return Activity.objects.none()
    community = home.code[:COMMUNITY_CODE_LENGTH]
    above = [code for code in ancestor_codes(home.code) if len(code) < len(community)]
    return Activity.objects.filter(
        Q(region_code__in=above) | subtree_q("region_code", [community]),
        kind=kind,
        status__in=[Status.PUBLISHED, Status.FINISHED],
    )


def resident_list(user, kind=COMMUNITY):
    """Upcoming and running activities first (soonest first), then the ten last finished."""
    now = timezone.now()
    visible = for_resident(user, kind).select_related("region")
    upcoming = list(visible.filter(status=Status.PUBLISHED, ends_at__gte=now).order_by("starts_at", "pk")[:100])
    past = list(visible.filter(Q(status=Status.FINISHED) | Q(ends_at__lt=now)).order_by("-starts_at", "-pk")[:10])
    return upcoming, past


def my_enrolments(user, kind=COMMUNITY):
    """The user's sign-ups (not cancelled), newest activity first."""
    return (
        Enrolment.objects.filter(user=user, activity__kind=kind)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("activity")
        .order_by("-activity__starts_at", "-pk")
    )


def enrolment_of(user, activity):
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(activity=activity, user=user).first()


def waitlist_position(enrolment):
    """1 for the first waitlisted, …; None when not waitlisted."""
    if enrolment is None or enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return (
        Enrolment.objects.filter(activity_id=enrolment.activity_id, status=EnrolmentStatus.WAITLISTED)
        .filter(Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk))
        .count()
        + 1
    )


def staff_list(user, kind=COMMUNITY, status=""):
    """The activities in the user's subtree, with their counts."""
    activities = Activity.objects.restrict(user, "view").filter(kind=kind).select_related("region", "organiser")
    if status in Status.values:
        activities = activities.filter(status=status)
    return activities.annotate(
        waitlisted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        checked_in=Count("enrolments", filter=Q(enrolments__checked_in_at__isnull=False)),
    ).order_by("-starts_at", "-pk")


def counts(activity):
    """{confirmed, waitlisted, cancelled, checked_in, no_show} of one activity."""
    rows = Enrolment.objects.filter(activity=activity)
    result = rows.aggregate(
        confirmed=Count("pk", filter=Q(status=EnrolmentStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=EnrolmentStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        no_show=Count("pk", filter=Q(no_show=True)),
    )
    return result


def enrolments(user, activity):
    """The activity's sign-ups the user may see (enrolment rows restricted on their own)."""
    return (
        Enrolment.objects.restrict(user, "view")
        .filter(activity=activity)
        .select_related("user", "checked_in_by")
        .order_by("status", "queued_at", "pk")
    )


def photos(activity):
    return list(Photo.objects.filter(activity=activity).order_by("uploaded_at", "pk"))


def organiser_regions(user):
    """The regions (streets, communities, grids) the user may organise activities for."""
    codes = scope_codes(user, "activities.add_activity")
    regions = Region.objects.filter(level__in=ORGANISER_LEVELS, is_active=True)
    if codes is not None:
        regions = regions.filter(subtree_q("code", codes))
    return regions.order_by("code")


def may_organise(user, region):
    codes = scope_codes(user, "activities.add_activity")
    return region.level in ORGANISER_LEVELS and (codes is None or any(region.code.startswith(c) for c in codes))


def photo_for(user, pk):
    """A photo the user may see: staff through the activity's scope, residents through for_resident."""
    staff = Photo.objects.restrict(user, "view").filter(pk=pk).select_related("activity").first()
    if staff is not None:
        return staff
    photo = Photo.objects.filter(pk=pk).select_related("activity").first()
    if photo is not None and for_resident(user, photo.activity.kind).filter(pk=photo.activity_id).exists():
        return photo
    return None
