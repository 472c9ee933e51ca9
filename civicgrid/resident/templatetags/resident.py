"""The resident's pieces of every page (base.html): the web app's head links and the bottom tab bar,
both only for residents (staff keep the top navigation alone); and the home tiles' icons."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from civicgrid.core.templatetags.civicgrid import ICONS
from civicgrid.core.templatetags.civicgrid import icon as core_icon
from civicgrid.resident import selectors

register = template.Library()

# Icons the home tiles use beyond the house set (24×24 line drawings, currentColor).
TILE_ICONS = {
    "heart": '<path d="M12 20s-8-4.9-8-10.5A4.5 4.5 0 0 1 12 7a4.5 4.5 0 0 1 8 2.5C20 15.1 12 20 12 20z"/>',
    "gift": (
        '<rect x="3" y="8" width="18" height="4" rx="1"/><path d="M5 12v9h14v-9M12 8v13"/>'
        '<path d="M12 8S10.5 3.5 8 4.2 8.2 8 12 8zM12 8s1.5-4.5 4-3.8S15.8 8 12 8z"/>'
    ),
    "star": '<path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9L12 3z"/>',
    "megaphone": '<path d="M3 10v4h3l8 4V6L6 10H3z"/><path d="M18 9a4 4 0 0 1 0 6M7 14l1 5h3l-1-4"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "vote": '<path d="M4 13h16v8H4z"/><path d="m8 9 3 3 5-6"/><path d="M6 13V5h12v8"/>',
    "shop": '<path d="M4 9h16l-1-5H5L4 9zM4 9a3 3 0 0 0 5.3 1.9A3 3 0 0 0 12 12a3 3 0 0 0 2.7-1.1A3 3 0 0 0 20 9"/><path d="M5 12v9h14v-9"/>',
    "tool": '<path d="M14.7 6.3a4 4 0 0 0-5.4 5.2L3 17.8 6.2 21l6.3-6.3a4 4 0 0 0 5.2-5.4l-2.5 2.5-2.5-.5-.5-2.5 2.5-2.5z"/>',
    "chat": '<path d="M4 5h16v11H9l-5 4V5z"/>',
    "tile": '<rect x="4" y="4" width="7" height="7" rx="1.5"/><rect x="13" y="4" width="7" height="7" rx="1.5"/><rect x="4" y="13" width="7" height="7" rx="1.5"/><rect x="13" y="13" width="7" height="7" rx="1.5"/>',
}


@register.simple_tag
def tile_icon(name, css_class=""):
    """A tile's icon: the house's set first, then the tiles' own; an unknown name draws a plain tile."""
    if name in ICONS:
        return core_icon(name, css_class)
    paths = TILE_ICONS.get(name) or TILE_ICONS["tile"]
    return format_html(
        '<svg class="cg-icon {}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{}</svg>',
        css_class,
        mark_safe(paths),  # constant markup defined above, never user input
    )


@register.filter
def badge_text(count):
    """A badge's number as shown: nothing for none, 99+ above 99."""
    if not count or count < 0:
        return ""
    return "99+" if count > 99 else str(count)


# (label, URL name, icon, the URL names the tab stands for)
TABS = (
    (_("首页"), "resident:home", "house", ("resident:home", "site:home")),
    (_("上报"), "cases:report", "pin", ("cases:report",)),
    (_("我的案件"), "cases:my_reports", "layers", ("cases:my_reports", "cases:my_report")),
    (_("消息"), "notifications:inbox", "info", ("notifications:inbox",)),
    (_("我的"), "resident:me", "user", ("resident:me",)),
)


@register.inclusion_tag("resident/_head.html", takes_context=True)
def resident_head(context):
    """The manifest, the home-screen icon and the tab bar's styles, for residents."""
    request = context.get("request")
    return {"shown": request is not None and selectors.lands_on_home(request.user)}


@register.inclusion_tag("resident/_tabbar.html", takes_context=True)
def resident_tabbar(context):
    """The bottom tab bar (phone widths, residents only) and the service worker's registration."""
    request = context.get("request")
    if request is None or not selectors.lands_on_home(request.user):
        return {"tabs": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    tabs = [
        {"label": label, "url": reverse(url_name), "icon": icon, "name": url_name, "active": current in names}
        for label, url_name, icon, names in TABS
    ]
    return {"tabs": tabs, "user": request.user}
