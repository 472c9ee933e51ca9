"""Panels: a page of one app shows blocks contributed by apps it does not know.

A page that offers a place (e.g. "compound": the compound page of civicgrid.compounds) renders
`panels_for(place, request, obj)`; an app adds a block there by registering, in its
`AppConfig.ready()`, a `Panel` naming the place, a template and a context function. The context
function is called with the request and the page's object and returns the template's context, or
None to show nothing (no data, or the user may not see it — the function applies the user's scope
itself, like any selector). The base only iterates what was registered, so the page's app never
imports the contributing one (a lower floor can add to a higher floor's page).

    panels.register(panels.Panel("property.repairs", "compound", "property/panels/compound_repairs.html",
                                 "civicgrid.property.panels.compound_repairs", order=20))

and in the page's template: `{% for panel in panels %}{% include panel.template with panel=panel %}{% endfor %}`,
each template reading `panel.context`.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from civicgrid.core.registry import Registry

REGISTRY = Registry("panels")


@dataclass(frozen=True)
class Panel:
    name: str  # unique, "app.what"
    place: str  # the page offering the place, e.g. "compound"
    template: str
    context: str  # dotted path to callable(request, obj) -> dict | None
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    name: str
    template: str
    context: dict


def register(*entries):
    return REGISTRY.register(*entries)


def panels_for(place, request, obj):
    """The panels registered for `place` that have something to show for `obj`, in their order."""
    shown = []
    for panel in REGISTRY:
        if panel.place != place:
            continue
        context = import_string(panel.context)(request, obj)
        if context is not None:
            shown.append(ShownPanel(panel.name, panel.template, context))
    return shown
