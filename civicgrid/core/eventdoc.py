"""docs/events.md, written from the event classes themselves (`manage.py events_doc`)."""

import dataclasses
import inspect

from django.utils.module_loading import autodiscover_modules

from civicgrid.core import events

HEADER = """# Events

Every domain event an action publishes (`civicgrid.core.events`; how to subscribe:
[architecture.md](architecture.md#the-event-spine-civicgridcoreevents)). Generated from the code by
`python manage.py events_doc > docs/events.md`; a test fails when this page drifts from the code.
"""


def _type_name(annotation):
    if isinstance(annotation, str):
        return annotation
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _own_fields(cls):
    base_fields = set()
    for base in cls.__mro__[1:]:
        if dataclasses.is_dataclass(base):
            base_fields |= {f.name for f in dataclasses.fields(base)}
    return [f for f in dataclasses.fields(cls) if f.name not in base_fields]


def render():
    autodiscover_modules("events")
    lines = [HEADER]
    app = None
    for cls in events.event_classes():
        module = cls.__module__
        # An app's events.py, or its events/ package (one module per part): declared elsewhere
        # (tests), an event is not part of the platform.
        if not (module.endswith(".events") or ".events." in module):
            continue
        module_app = module.split(".events", 1)[0]
        if module_app != app:
            app = module_app
            lines.append(f"## {app}\n")
        parent = cls.__mro__[1]
        heading = f"### {cls.__name__}"
        if parent is not events.DomainEvent:
            heading += f" ({parent.__name__})"
        lines.append(heading + "\n")
        lines.append(inspect.cleandoc(cls.__doc__ or "").strip() + "\n")
        fields = _own_fields(cls)
        if fields:
            lines.append("| field | type | note |\n|---|---|---|")
            for f in fields:
                lines.append(f"| `{f.name}` | {_type_name(f.type)} | {f.metadata.get('doc', '')} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
