"""What the compounds pages share."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from civicgrid.compounds import selectors
from civicgrid.compounds.errors import CompoundsError, NotFound


def staff_page(view):
    """Sign-in required; whoever holds no compounds permission anywhere (a resident) gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_staff(request.user):
            raise Http404()
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None

    return wrapper


def resident_page(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None

    return wrapper


def run(request, back, action, *args, done="", **kwargs):
    """Call `action`; a refusal shows its message (NotFound is a 404). Redirects to `back`."""
    try:
        action(*args, **kwargs)
    except NotFound:
        raise Http404() from None
    except CompoundsError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(request, done)
    return redirect(back)
