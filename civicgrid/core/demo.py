"""Demo seeders: each app registers how it fills a demo district; `manage.py seed_demo` runs them
in order. A seeder takes the shared `DemoRun` (scale, seed, random generator, output, and what
earlier seeders put in `made`) and returns a line for the log (or None)."""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from civicgrid.core.registry import Registry

REGISTRY = Registry("demo seeder")


@dataclass(frozen=True)
class Seeder:
    name: str
    # callable(run) -> str | None, or its dotted path: imported only when the demo is seeded, so that
    # a web worker never loads demo code (and what it imports: test clients, workbook libraries).
    function: object
    order: int = 100
    atomic: bool = True  # run inside one transaction (large seeders manage their own)

    def __call__(self, run):
        function = import_string(self.function) if isinstance(self.function, str) else self.function
        return function(run)


@dataclass
class DemoRun:
    scale: str
    seed: int
    rng: object
    stdout: object
    made: dict = field(default_factory=dict)  # e.g. "district": the Region every later seeder fills


def register(*seeders):
    return REGISTRY.register(*seeders)


def seeders():
    return list(REGISTRY)
