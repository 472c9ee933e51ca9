"""Base data confirms residents' self-registrations (civicgrid.accounts.registration).

Subscribed to ResidentRegistered inside the registering transaction: when the new account's phone
number matches (by its keyed hash) a person currently living in the chosen community, the
registration is approved at once through the accounts action; otherwise it waits for the
community's staff. Nothing about the person leaves this app: the registration only learns that a
match was found.
"""

from django.contrib.auth import get_user_model

from civicgrid.accounts import registration
from civicgrid.accounts.models import Registration
from civicgrid.core.scoping import subtree_q
from civicgrid.people import rules
from civicgrid.people.models import Person


def lives_in(phone, community_code):
    """Whether a current resident of the community (a house, not moved out) has this phone."""
    digest = rules.phone_hash(phone)
    if not digest:
        return False
    return (
        Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [community_code]))
        .exists()
    )


def confirm_matching_registration(event):
    """ResidentRegistered listener: approve the registration when base data knows the resident."""
    user = get_user_model().objects.filter(pk=event.user_id).only("phone").first()
    if user is None or not user.phone or not lives_in(user.phone, event.region_code):
        return
    pending = Registration.objects.filter(pk=event.registration_id, status=Registration.Status.PENDING).first()
    if pending is not None:
        registration.approve_registration(pending, actor=None, matched=True)
