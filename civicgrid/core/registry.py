"""Registries: how apps plug into the base without the base knowing them by name.

Each app registers, in its `AppConfig.ready()`, what it adds to the platform: navigation entries
(`civicgrid.core.navigation`), periodic jobs (`civicgrid.core.jobs`), demo seeders
(`civicgrid.core.demo`). The base only iterates what was registered. See docs/architecture.md.
"""

from django.core.exceptions import ImproperlyConfigured


class Registry:
    """Named entries, iterated in their `order` (then name); a name registers once."""

    def __init__(self, kind):
        self.kind = kind
        self._entries = {}

    def register(self, *entries):
        for entry in entries:
            known = self._entries.get(entry.name)
            if known is not None and known != entry:
                raise ImproperlyConfigured(f"two {self.kind} entries are named {entry.name!r}")
            self._entries[entry.name] = entry
        return entries[0] if len(entries) == 1 else entries

    def __iter__(self):
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.order, entry.name)))

    def __len__(self):
        return len(self._entries)

    def __getitem__(self, name):
        return self._entries[name]

    def get(self, name, default=None):
        return self._entries.get(name, default)
