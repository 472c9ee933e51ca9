"""Recount the dashboard rollups from the cases, or (--check) prove the stored ones equal a recount."""

import time

from django.core.management.base import BaseCommand, CommandError

from civicgrid.dashboard import rollups


class Command(BaseCommand):
    help = "Rebuild the dashboard rollups from scratch; with --check, only compare them with a full recount."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with a full recount; exit 1 if they differ")

    def handle(self, *args, check=False, **options):
        started = time.perf_counter()
        if check:
            differences = rollups.check()
            elapsed = time.perf_counter() - started
            for table, count in differences.items():
                self.stdout.write(f"{table}: {count} differing rows")
            if any(differences.values()):
                raise CommandError(f"rollups differ from a full recount ({elapsed:.1f} s)")
            self.stdout.write(self.style.SUCCESS(f"rollups equal a full recount ({elapsed:.1f} s)"))
            return
        counts = rollups.rebuild()
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{table} {count:,}" for table, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"rollups rebuilt in {elapsed:.1f} s: {summary}"))
