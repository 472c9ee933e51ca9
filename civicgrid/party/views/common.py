"""Helpers the party views share: the user's reach as 404, form errors from actions."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404

from civicgrid.core.forms import add_errors
from civicgrid.core.text import object_id


def found(getter, *args, **kwargs):
    """The row `getter(*args, **kwargs)` returns; out of reach (DoesNotExist) answers 404."""
    try:
        return getter(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def run(form, action, *args, **kwargs):
    """Call the action; a refusal goes onto `form` (returns None), out of reach is 404."""
    try:
        return action(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        add_errors(form, exc)
        return None


def attempt(request, action, *args, **kwargs):
    """Call the action for a button (no form): a refusal becomes a message (returns None), out of
    reach is 404."""
    from django.contrib import messages

    try:
        return action(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def form_message(request, form):
    """A posted form's errors as one message (for forms that sit on another page)."""
    from django.contrib import messages

    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def private_file(handle, row, *, download=None, fallback="file"):
    """A stored file served privately to whoever the view let through: never cached by others,
    never sniffed, sandboxed; documents download (`download` None: a row of kind "document")."""
    from django.http import FileResponse

    if download is None:
        download = getattr(row, "kind", "") == "document"
    response = FileResponse(
        handle, content_type=row.content_type, as_attachment=download, filename=row.original_name or fallback
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


__all__ = ["attempt", "form_message", "found", "object_id", "private_file", "run"]
