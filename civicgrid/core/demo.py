"""Demo seeders: each app registers how it fills a demo district; `manage.py seed_demo` runs them
in order. A seeder takes the shared `DemoRun` (scale, seed, random generator, output, and what
earlier seeders put in `made`) and returns a line for the log (or None)."""

from dataclasses import dataclass, field

from civicgrid.core.registry import Registry

REGISTRY = Registry("demo seeder")


@dataclass(frozen=True)
class Seeder:
    name: str
    function: object  # callable(run) -> str | None
    order: int = 100
    atomic: bool = True  # run inside one transaction (large seeders manage their own)


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
