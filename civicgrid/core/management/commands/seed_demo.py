import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civicgrid.accounts.demo import seed_users
from civicgrid.cases.demo import seed_cases
from civicgrid.people.demo import seed_people
from civicgrid.regions.demo import SCALES, seed_departments, seed_regions
from civicgrid.regions.models import Region


class Command(BaseCommand):
    help = "Load a deterministic demo district: regions and grids with boundaries, departments, users for every role."

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
        rng = random.Random(seed)
        with transaction.atomic():
            district = seed_regions(scale, seed)
            departments = seed_departments(district, scale)
            users = seed_users(district, rng, staff_everywhere=scale != "small")
        cases, case_seconds = seed_cases(district, scale, seed, stdout=self.stdout)
        with transaction.atomic():
            seed_people(district, scale, seed, stdout=self.stdout)
        self._seed_api(district)
        if apps.is_installed("civicgrid.dashboard"):
            from civicgrid.dashboard.demo import seed_dashboard

            self.stdout.write(f"dashboard: rollups rebuilt, warning rules {seed_dashboard(district)}")
        counts = Region.objects.subtree(district).values_list("level")
        self.stdout.write(
            self.style.SUCCESS(
                f"demo district {district.name} ({scale}, seed {seed}): {counts.count()} regions, "
                f"{departments} departments, {users} users, {cases} cases ({case_seconds:.1f}s) in {time.monotonic() - started:.1f}s"
            )
        )

    def _seed_api(self, district):
        """The open APIs' demo application and its published key `demo-open311-key` (README)."""
        from django.apps import apps

        if apps.is_installed("civicgrid.api"):
            from civicgrid.api.demo import seed_api

            self.stdout.write(f"Open311 demo api_key: {seed_api(district)}")
