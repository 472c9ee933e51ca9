from django.core.management.base import BaseCommand

from civicgrid.accounts import roledoc


class Command(BaseCommand):
    help = "Print docs/roles.md: who may do what, from the registered policy table."

    def handle(self, *args, **options):
        self.stdout.write(roledoc.render(), ending="")
