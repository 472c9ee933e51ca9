"""{% light colour %}: a deadline or stage light as a coloured dot with its name. A tag rather than
an included template because a queue page draws a hundred of them."""

from django import template
from django.utils.html import format_html

from civicgrid.cases.models import Light

register = template.Library()


@register.simple_tag
def light(colour):
    if not colour:
        return format_html('<span class="text-body-secondary">—</span>')
    colour = Light(colour)
    return format_html(
        '<span class="light light-{}" data-light="{}">{}</span>', colour.value, colour.value, colour.label
    )
