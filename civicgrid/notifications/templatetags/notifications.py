from django import template
from django.template.loader import render_to_string

from civicgrid.notifications import actions

register = template.Library()


@register.simple_tag
def unread_count(user):
    """Unread messages of `user` (cached briefly; see notifications.actions.unread_count)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return actions.unread_count(user)


def nav_badge(request):
    """The unread count beside 消息 in the navigation bar (core.navigation.render_bar)."""
    return render_to_string("notifications/_badge.html", {"unread_count": unread_count(request.user)}, request=request)
