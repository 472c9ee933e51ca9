"""The installable web app: the manifest, and what the service worker keeps for offline use.

The app shell is named here by the static files' logical names; their URLs come from the static
files storage (whitenoise's manifest storage in production: hashed, immutable names), so a changed
file gets a new URL, and the cache's name — a digest of the URLs — changes with it: the service worker
installs the new shell and drops the old one. Nothing else is cached: no page of a signed-in user,
no POST (see templates/resident/service-worker.js).
"""

import hashlib

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The static files every resident page needs, and the offline page's.
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "civicgrid/civicgrid.css",
    "civicgrid/resident.css",
    "civicgrid/app.js",
    "civicgrid/pwa.js",
    "civicgrid/logo.svg",
    "civicgrid/favicon.svg",
    "civicgrid/icons/icon-192.png",
    "civicgrid/icons/icon-512.png",
)
ICONS = (
    ("civicgrid/icons/icon-192.png", "192x192", "any"),
    ("civicgrid/icons/icon-512.png", "512x512", "any"),
    ("civicgrid/icons/maskable-192.png", "192x192", "maskable"),
    ("civicgrid/icons/maskable-512.png", "512x512", "maskable"),
)
THEME_COLOR = "#0b3a80"
BACKGROUND_COLOR = "#f4f6fa"
CACHE_PREFIX = "civicgrid-shell-"


def precache_urls():
    """The URLs the service worker fetches when it installs: the shell's static files (as the
    storage names them) and the offline page."""
    return [static(name) for name in SHELL_FILES] + [reverse("pwa:offline")]


def cache_name(urls):
    return CACHE_PREFIX + hashlib.sha256("\n".join(urls).encode()).hexdigest()[:16]


def manifest_language():
    """The BCP 47 tag of the request's language ("zh-Hans", "en")."""
    language = get_language() or "zh-hans"
    return "zh-Hans" if language.startswith("zh") else language


def manifest():
    """The web app manifest (https://www.w3.org/TR/appmanifest/), in the request's language."""
    home = reverse("resident:home")
    return {
        "name": _("智慧社区"),
        "short_name": _("智慧社区"),
        "description": _("居民上报问题、查看进度、接收社区消息"),
        "lang": manifest_language(),
        "dir": "ltr",
        "id": home,
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(name), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for name, sizes, purpose in ICONS
        ],
    }
