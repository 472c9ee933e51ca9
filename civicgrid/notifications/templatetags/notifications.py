from django import template

from civicgrid.notifications import actions

register = template.Library()


@register.simple_tag
def unread_count(user):
    """Unread messages of `user` (cached briefly; see notifications.actions.unread_count)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return actions.unread_count(user)
