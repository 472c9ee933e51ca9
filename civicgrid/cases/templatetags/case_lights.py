"""{% light colour %}: a deadline or stage light as a coloured dot with its name. A tag rather than
an included template because a queue page draws a hundred of them. {{ case|resident_status }}: the
status as residents read it."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from civicgrid.cases.models import RESIDENT_STATUS, Light

register = template.Library()
NO_LIGHT = mark_safe('<span class="text-body-secondary">—</span>')


@register.simple_tag
def light(colour):
    if not colour:
        return NO_LIGHT
    colour = Light(colour)
    return format_html(
        '<span class="light light-{}" data-light="{}">{}</span>', colour.value, colour.value, colour.label
    )


@register.filter
def resident_status(case):
    """{{ case|resident_status }}: the status in a resident's words (RESIDENT_STATUS)."""
    return RESIDENT_STATUS.get(case.status, case.get_status_display())
