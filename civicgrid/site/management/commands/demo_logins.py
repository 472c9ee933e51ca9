from django.core.management.base import BaseCommand

from civicgrid.accounts.demo import DEMO_PASSWORD, named_demo_accounts
from civicgrid.accounts.models import User
from civicgrid.regions.models import Level, Region


class Command(BaseCommand):
    help = "Print the demo logins (demo data only; never use these on a real installation)."

    def handle(self, *args, **options):
        district = Region.objects.filter(level=Level.DISTRICT).order_by("code").first()
        if district is None:
            self.stdout.write("no demo data loaded")
            return
        existing = set(User.objects.values_list("username", flat=True))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, phone, _name, role, target in named_demo_accounts(district):
            if username in existing:
                self.stdout.write(f"  {username:<12} {phone}  {role.label:<10} {target}")
