"""Offline API documentation. Swagger UI comes from drf-spectacular-sidecar as it is; Redoc needs
two changes to make no request off this server: no Google Fonts link (the page uses the system's
fonts) and no asset from off this server inside the bundle — today only the Redocly logo in the
sidebar — so every quoted absolute URL of an image, font or stylesheet is emptied and the logo
simply hides itself.

Both pages run under the Content-Security-Policy (civicgrid.core.csp) without inline script:
Swagger UI's start-up script is its own request (drf-spectacular's split view) and Redoc is
started by static/civicgrid/redoc-init.js from a json_script block. Redoc writes its styles as
<style> elements at run time (styled-components), so its page alone allows inline styles.
"""

import json
import re
from functools import cache
from pathlib import Path

import drf_spectacular_sidecar
from csp.decorators import csp_replace
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from civicgrid.core.csp import REDOC as REDOC_POLICY

BUNDLE = (
    Path(drf_spectacular_sidecar.__file__).parent / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
)
# A quoted absolute URL of something a browser would fetch by itself: "…//host/…/logo.svg".
OFFSITE_ASSET = re.compile(r"""(?P<quote>["'`])https?:[^"'`\s]+\.(?:svg|png|jpe?g|gif|woff2?|ttf|css)(?P=quote)""")


@cache
def offline_bundle():
    text = BUNDLE.read_text(encoding="utf-8")
    text = OFFSITE_ASSET.sub(lambda match: match["quote"] * 2, text)
    # split("\n"), not splitlines(): the bundle's string literals hold other line separators.
    return "\n".join(line for line in text.split("\n") if not line.startswith("//# sourceMappingURL="))


@cache_control(public=True, max_age=86400)
def redoc_bundle(request):
    return HttpResponse(offline_bundle(), content_type="text/javascript; charset=utf-8")


class OfflineSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (?script), not inline."""

    template_name = "api/swagger_ui.html"


@method_decorator(csp_replace(REDOC_POLICY), name="dispatch")
class OfflineRedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["redoc_standalone"] = reverse("api:v1:redoc-bundle")
        response.data["redoc_config"] = {
            "specUrl": response.data["schema_url"],
            "settings": json.loads(response.data.get("settings") or "{}"),
        }
        return response
