"""The Content-Security-Policy of every page (served by django-csp's CSPMiddleware).

Nothing but our own files may run or style a page: no inline script, no inline style (no
style="" attribute in markup, no <style> element), no eval, no plug-ins, no framing, forms post
only to us. Scripts put server data into the page as text (CivicGrid.element in app.js), so a
stored payload stays text; the policy is the second wall should one ever slip through.

Kept importable from settings: plain Python, no Django.
"""

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

SELF = "'self'"
NONE = "'none'"
REPORT_PATH = "/csp-report/"

# The server-error pages (error_base.html) are rendered without a request and possibly while
# static files are broken, so their few styles stay inline: the policy allows that one <style>
# block by its hash (any other inline style is still refused).
ERROR_TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "error_base.html"
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def inline_style_hashes(template=ERROR_TEMPLATE):
    """'sha256-…' sources for the <style> blocks of a template that holds no template tags inside them."""
    text = template.read_text(encoding="utf-8")
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in STYLE_BLOCK.findall(text)
    ]


def origin(url):
    """The scheme://host[:port] of an absolute URL template (a tile server), or None for a relative one."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def policy(*, tile_url="", report_path=REPORT_PATH):
    """django-csp's CONTENT_SECURITY_POLICY setting."""
    images = [SELF, "data:", "blob:"]
    tiles = origin(tile_url)
    if tiles:
        images.append(tiles)  # an intranet tile server, when the installation configured one
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, *inline_style_hashes()],
            "img-src": images,
            "connect-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF],
            "report-uri": [report_path],
        }
    }


# Redoc (the API reference) builds its page with styled-components, which writes <style> elements
# at run time, and runs its search index in a worker made from a blob: that page alone allows inline
# styles and blob: workers. Its scripts stay 'self' only, like every page.
REDOC = {"style-src": [SELF, "'unsafe-inline'"], "worker-src": [SELF, "blob:"]}
