"""The URLs of the web.floor benchmark: the site's own, plus a page holding only the frame and a
bare view of the same size (bench/web_floor.py)."""

from django.http import HttpResponse
from django.template import Context, Engine, engines
from django.urls import path

from civicgrid.urls import urlpatterns as site_urlpatterns

BARE = {"html": ""}


def frame(request):
    """What every authenticated page pays before its own content: middleware, session, user, roles,
    navigation, header and footer (base.html with an empty content block)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(FRAME.render(request=request))


FRAME = engines["django"].from_string('{% extends "base.html" %}')
_engine = Engine()


def bare(request):
    """Django's own floor: a logged-in view (session and user loaded, as @login_required does)
    returning a template of the same size, with no context processors, tags or project code."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(_engine.from_string(BARE["html"]).render(Context()))


urlpatterns = [path("bench/frame/", frame), path("bench/bare/", bare), *site_urlpatterns]
