import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civicgrid.core import demo
from civicgrid.regions.demo import SCALES
from civicgrid.regions.models import Region


class Command(BaseCommand):
    help = "Load a deterministic demo district: every app's registered demo seeder, in order (civicgrid.core.demo)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when regions already exist")

    def handle(self, *args, scale, seed, if_empty, **options):
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("demo data already loaded; nothing to do")
                return
            raise CommandError("the database already holds regions; seed_demo loads into an empty database only")
        started = time.monotonic()
        run = demo.DemoRun(scale=scale, seed=seed, rng=random.Random(seed), stdout=self.stdout)
        for seeder in demo.seeders():
            if seeder.atomic:
                with transaction.atomic():
                    line = seeder(run)
            else:
                line = seeder(run)
            if line:
                self.stdout.write(line)
        district = run.made["district"]
        self.stdout.write(
            self.style.SUCCESS(
                f"demo district {district.name} ({scale}, seed {seed}) in {time.monotonic() - started:.1f}s"
            )
        )
