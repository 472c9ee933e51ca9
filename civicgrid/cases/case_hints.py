"""Hints plug-ins show beside a staff case page's action forms (issue 16: the routing suggestion
beside the dispatch form), without the case pages knowing the plug-ins.

A plug-in registers `register(action, provider)` in its `ready()`; `provider(user, case)` returns a
`Hint` (a URL the page's script fetches — JSON with a "reason" text and optional fields — and a
label) or None. The staff case page asks `for_action(user, case, action)` for each form it shows
(`form.hints`) and leaves a placeholder the script (static/civicgrid/case-hints.js) fills with text.
"""

from dataclasses import dataclass

_providers = {}


@dataclass(frozen=True)
class Hint:
    url: str
    label: str


def register(action, provider):
    providers = _providers.setdefault(str(action), [])
    if provider not in providers:
        providers.append(provider)
    return provider


def unregister(action, provider):
    providers = _providers.get(str(action), [])
    if provider in providers:
        providers.remove(provider)


def for_action(user, case, action):
    """The hints for `action`'s form on `case`, as the registered providers give them."""
    found = []
    for provider in _providers.get(str(action), ()):
        hint = provider(user, case)
        if hint is not None:
            found.append(hint)
    return found
