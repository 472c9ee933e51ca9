"""The resident's home screen and "my" page (phone first), and the installable web app's manifest,
service worker and offline page."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from civicgrid.core import tiles
from civicgrid.core.http import same_for_everyone
from civicgrid.resident import pwa, selectors
from civicgrid.resident.wiring import MY_CASES, REPORT

FEATURED = (REPORT, MY_CASES)


def _residents_only(view):
    """Signed in (else the login page) and a resident (else the workbench: staff keep theirs)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_resident(request.user):
            return redirect("site:home")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@_residents_only
def home(request):
    """The resident's first page: the community, a big report button, my open cases, the apps' tiles
    (with their badges) and the slots later apps fill."""
    shown = tiles.tiles_for(request.user, with_slots=True)
    featured = {s.tile.name: s for s in shown if s.tile.name in FEATURED and not s.coming_soon}
    return render(
        request,
        "resident/home.html",
        {
            "communities": selectors.communities(request.user),
            "today": timezone.localdate(),
            "report": featured.get(REPORT),
            "my_cases": featured.get(MY_CASES),
            "tiles": [s for s in shown if s.tile.name not in featured],
        },
    )


@require_GET
@_residents_only
def me(request):
    """我的: who I am, where I live, my account (password, logins, language), installing the app,
    signing out."""
    return render(request, "resident/me.html", {"communities": selectors.communities(request.user)})


@same_for_everyone
@require_GET
@vary_on_headers("Accept-Language", "Cookie")
def manifest(request):
    """The web app manifest: the same for everyone, in the visitor's language."""
    return JsonResponse(
        pwa.manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@same_for_everyone
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, from the site root so it may control every page. Browsers check it for
    changes on each visit (no-cache); the shell's URLs in it carry the files' hashes."""
    urls = pwa.precache_urls()
    script = render_to_string(
        "resident/service-worker.js",
        {
            "cache_name": json.dumps(pwa.cache_name(urls)),
            "cache_prefix": json.dumps(pwa.CACHE_PREFIX),
            "precache": json.dumps(urls),
            "offline_url": json.dumps(urls[-1]),
            "static_prefix": json.dumps(settings.STATIC_URL),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@same_for_everyone
@require_GET
@cache_control(public=True, max_age=3600)
def offline(request):
    """What the service worker shows when a page cannot load offline: the same for everyone (it is
    cached), Chinese first and English below; no user data, no session."""
    return HttpResponse(render_to_string("resident/offline.html"))
