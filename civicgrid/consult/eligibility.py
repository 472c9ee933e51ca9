"""Who may vote in a poll, and the key their ballot is counted under (a keyed hash of the poll and
the voter's household or person in base data — never the account)."""

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from civicgrid.consult.errors import NotEligible
from civicgrid.consult.models import Ballot, Electorate, PollStatus
from civicgrid.core import clock
from civicgrid.people import selectors as people_selectors

KEY_SALT = "civicgrid.consult.ballot"


def voter_key(poll, identity):
    """The ballot's key for this voter: household or person, never the account."""
    if poll.electorate == Electorate.HOUSEHOLD:
        subject = f"household:{identity.household_id}"
    else:
        subject = f"person:{identity.person_id}"
    return salted_hmac(KEY_SALT, f"{poll.pk}:{subject}", algorithm="sha256").hexdigest()


def eligibility(poll, user):
    """(voter key, None) for an eligible account, else (None, the reason)."""
    if not user.is_authenticated or not getattr(user, "phone", None):
        return None, NotEligible()
    identity = people_selectors.resident_identity(user, poll.region_code, poll.compound_id)
    if identity is None:
        return None, NotEligible()
    if poll.electorate == Electorate.HOUSEHOLD and identity.household_id is None:
        return None, NotEligible(_("您在基础数据中没有所属的户，请联系社区核实。"))
    if poll.electorate == Electorate.ADULT and not identity.adult:
        return None, NotEligible(_("本次投票仅限年满 18 周岁的居民。"))
    return voter_key(poll, identity), None


def is_voting(poll, at=None):
    at = at or clock.now()
    return poll.status == PollStatus.OPEN and poll.opens_at <= at < poll.closes_at


def my_ballot(poll, user):
    """The ballot counted for `user`'s household (or them), or None."""
    key, refusal = eligibility(poll, user)
    if refusal is not None:
        return None
    return Ballot.objects.filter(poll=poll, voter_key=key).first()
