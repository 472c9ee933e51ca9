"""Verify the hash chains of case events: one case (--case NUMBER) or all of them."""

from django.core.management.base import BaseCommand, CommandError

from civicgrid.cases.integrity import verify_chain
from civicgrid.cases.models import Case


class Command(BaseCommand):
    help = "Recompute case event hashes and report the first broken event of each case."

    def add_arguments(self, parser):
        parser.add_argument("--case", dest="number", help="only this case number, e.g. 2026-000123")

    def handle(self, *args, number=None, **options):
        cases = Case.objects.only("pk", "number", "event_count", "head_hash").order_by("pk")
        if number:
            cases = cases.filter(number=number)
            if not cases.exists():
                raise CommandError(f"no case numbered {number}")
        checked, broken = 0, []
        for case in cases.iterator(chunk_size=1000):
            checked += 1
            problem = verify_chain(case)
            if problem is not None:
                broken.append(problem)
                self.stderr.write(f"BROKEN {problem}")
            elif options["verbosity"] > 1:
                self.stdout.write(f"ok {case.number} ({case.event_count} events)")
        if broken:
            raise CommandError(f"{len(broken)} of {checked} case(s) have a broken event chain")
        self.stdout.write(self.style.SUCCESS(f"{checked} case(s) verified, every event chain intact"))
