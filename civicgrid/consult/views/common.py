"""What the consult pages share."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404

from civicgrid.consult.errors import ConsultError, NotFound
from civicgrid.core import scoping


def holds_anywhere(user, permission):
    codes = scoping.scope_codes(user, permission)
    return codes is None or bool(codes)


def is_staff(user):
    return bool(set(scoping.roles_of(user)) & set(scoping.staff_roles())) or user.is_superuser


def needs(permission, staff=False):
    """Sign-in required; a user holding `permission` nowhere (or, for a `staff` page, holding no
    staff role: a resident) gets 404, as for a missing page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not holds_anywhere(request.user, permission) or (staff and not is_staff(request.user)):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404() from None

        return wrapper

    return decorator


def refused(request, error):
    """Show an action's refusal as a message (NotFound is a 404, never a message)."""
    if isinstance(error, NotFound):
        raise Http404()
    messages.error(request, error.message)


__all__ = ["ConsultError", "needs", "refused"]
