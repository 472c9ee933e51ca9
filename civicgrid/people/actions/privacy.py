"""Personal data: unmasking a value (logged with its reason), the access log, and the anonymisation of
persons who moved out long ago."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core.changelog import record_change, snapshot
from civicgrid.people import protection
from civicgrid.people.actions.common import PERSON_FIELDS, Action, require
from civicgrid.people.models import AccessKind, AccessLog, Person, PersonTag

UNMASK_FIELDS = {"id_number": "id_number_enc", "phone": "phone_enc"}


@transaction.atomic
def unmask(user, person, field, reason, ip=None):
    """The plaintext of one field, for a user holding people.unmask_person over the person, with a
    stated reason; writes the access-log row first."""
    if field not in UNMASK_FIELDS:
        raise ValidationError({"field": _("未知字段。")})
    require(user, "people.unmask_person", person.region_code)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请说明查看明文的事由。")})
    AccessLog.objects.create(
        kind=AccessKind.UNMASK,
        user=user,
        at=timezone.now(),
        person=person,
        field=field,
        reason=reason[:200],
        ip=ip,
        region_code=person.region_code,
        rows=1,
    )
    return protection.decrypt(getattr(person, UNMASK_FIELDS[field]))


def log_access(user, kind, *, rows=0, detail="", reason="", region_code="", ip=None):
    return AccessLog.objects.create(
        kind=kind,
        user=user,
        at=timezone.now(),
        rows=rows,
        detail=detail[:300],
        reason=reason[:200],
        region_code=region_code,
        ip=ip,
    )


ANONYMOUS_NAME = "（已匿名）"


def anonymise_moved_out(today=None, batch_size=1000):
    """Anonymise persons who moved out more than PEOPLE_RETENTION_DAYS ago: name, ID number, phone,
    notes and tags go; birth year, gender and the residence history (dates, houses) stay for
    statistics. Returns the number of persons anonymised."""
    today = today or date.today()
    cutoff = today - timedelta(days=settings.PEOPLE_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Person.objects.filter(
                    house__isnull=True, moved_out_at__lt=cutoff, anonymised_at__isnull=True
                ).values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            now = timezone.now()
            for person in Person.objects.filter(pk__in=ids).select_for_update():
                before = snapshot(person, PERSON_FIELDS)
                person.name = ANONYMOUS_NAME
                person.id_number_enc = person.id_number_hash = person.id_number_masked = ""
                person.phone_enc = person.phone_hash = person.phone_masked = ""
                person.notes = ""
                if person.birth_date:
                    person.birth_date = person.birth_date.replace(month=1, day=1)
                person.anonymised_at = now
                person.save()
                record_change(None, person, Action.ANONYMISE, before, snapshot(person, PERSON_FIELDS))
            PersonTag.objects.filter(person_id__in=ids).delete()
            total += len(ids)
