"""Template helpers for the UI shell: icons, navigation state, role summaries."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from civicgrid.core import navigation
from civicgrid.core.scoping import active_assignments

register = template.Library()

# A small set of line icons (24×24, drawn with currentColor) made for CivicGrid, so that no icon
# font or third-party sprite has to be shipped.
ICONS = {
    "house": '<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9.5V21h14V9.5"/><path d="M10 21v-6h4v6"/>',
    "diagram": (
        '<rect x="9" y="3" width="6" height="5" rx="1"/><rect x="3" y="16" width="6" height="5" rx="1"/>'
        '<rect x="15" y="16" width="6" height="5" rx="1"/><path d="M12 8v4M6 16v-4h12v4"/>'
    ),
    "map": '<path d="M9 4 3 6.5V20l6-2.5 6 2.5 6-2.5V4l-6 2.5L9 4z"/><path d="M9 4v13.5M15 6.5V20"/>',
    "gear": (
        '<circle cx="12" cy="12" r="3"/><circle cx="12" cy="12" r="6.5"/>'
        '<path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1'
        'M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>'
    ),
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 3.6-7 8-7s8 3 8 7"/>',
    "people": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6"/>'
        '<path d="M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.3c2.1.7 3.5 2.8 3.5 5.7"/>'
    ),
    "building": '<path d="M4 21V5l8-2v18M12 21V9l8 2v10M2 21h20"/><path d="M7 8h2M7 12h2M7 16h2M15 14h2M15 17h2"/>',
    "logout": '<path d="M9 4H5v16h4"/><path d="M14 8l4 4-4 4M18 12H9"/>',
    "globe": (
        '<circle cx="12" cy="12" r="9"/>'
        '<path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"/>'
    ),
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "chevron": '<path d="m9 6 6 6-6 6"/>',
    "pin": '<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/>',
    "layers": '<path d="m12 3 9 5-9 5-9-5 9-5z"/><path d="m3 13 9 5 9-5"/>',
    "lock": '<rect x="5" y="10" width="14" height="11" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3M12 14v3"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v5M12 8h.01"/>',
    "alert": '<path d="M12 3 2 20h20L12 3z"/><path d="M12 10v4M12 17h.01"/>',
    "grid": '<rect x="3" y="3" width="18" height="18" rx="2"/><path d="M3 9h18M3 15h18M9 3v18M15 3v18"/>',
    "back": '<path d="M19 12H5M11 6l-6 6 6 6"/>',
    "phone": '<rect x="7" y="2.5" width="10" height="19" rx="2"/><path d="M11 18h2"/>',
    "eye": '<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
    "close": '<path d="M6 6l12 12M18 6 6 18"/>',
    "flag": '<path d="M5 21V4"/><path d="M5 4h12l-2.5 4L17 12H5"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4l2-2z"/><path d="M10 21h4"/>',
}


@register.simple_tag
def icon(name, css_class=""):
    """An inline SVG icon, hidden from screen readers (the text next to it says what it means)."""
    paths = ICONS.get(name)
    if not paths:
        return ""
    return format_html(
        '<svg class="cg-icon {}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{}</svg>',
        css_class,
        mark_safe(paths),  # constant markup defined above, never user input
    )


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The navigation bar's entries for the signed-in user (rendered once per roles and page)."""
    return navigation.render_bar(context["request"], context["user"])


@register.simple_tag(takes_context=True)
def user_roles(context):
    """The user menu's list of roles (rendered once per user, roles stamp and language)."""
    return navigation.render_user_roles(context["user"])


@register.filter
def active_for(nav_item, request):
    """Whether the navigation entry is the section of the current page."""
    match = getattr(request, "resolver_match", None)
    return nav_item.is_active(match.view_name if match else "")


@register.simple_tag
def assignments_of(user):
    """The user's active role assignments (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return active_assignments(user)


@register.filter
def minutes(value):
    """Whole minutes in a timedelta (or a number of seconds)."""
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    try:
        return int(float(value) // 60)
    except (TypeError, ValueError):
        return ""


MESSAGE_CLASSES = {"debug": "secondary", "info": "info", "success": "success", "warning": "warning", "error": "danger"}


@register.filter
def alert_class(message):
    return MESSAGE_CLASSES.get(getattr(message, "level_tag", ""), "info")


@register.filter
def with_class(bound_field, css_class):
    """Render a form field's widget with extra CSS classes (and is-invalid when it has errors)."""
    classes = [bound_field.field.widget.attrs.get("class", ""), css_class]
    if bound_field.errors:
        classes.append("is-invalid")
    attrs = {"class": " ".join(c for c in classes if c)}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_errors"
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def lockout_policy():
    """The login lockout rule, for the warning under the login form."""
    return {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes(settings.AXES_COOLOFF_TIME)}


@register.filter
def qr_svg(value, label=""):
    """`value` (a link or a code) as an inline SVG QR code that a phone's camera reads. The text is
    encoded in the squares, never written into the markup; `label` becomes the image's accessible name."""
    import segno

    if not value:
        return ""
    svg = segno.make(str(value), error="m").svg_inline(scale=5, border=2, omitsize=True, title=None)
    return format_html('<div class="qr-code" role="img" aria-label="{}">{}</div>', label, mark_safe(svg))
