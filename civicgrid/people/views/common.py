from django.http import Http404

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.scoping import collapse_codes
from civicgrid.regions.models import Region


def scope_roots(user):
    """The top nodes of the user's people scope."""
    codes = scope_codes(user, "people.view_person")
    if codes is None:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    return list(Region.objects.filter(code__in=collapse_codes(codes)).order_by("code"))


def chosen_region(request):
    """?region=<code> inside the user's scope, or the user's (first) scope root; 404 otherwise."""
    roots = scope_roots(request.user)
    if not roots:
        raise Http404
    code = (request.GET.get("region") or "").strip()
    if not code:
        return roots[0], roots
    if not code.isdigit() or not any(code.startswith(root.code) for root in roots):
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region, roots
