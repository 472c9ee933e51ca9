from django.core.management.base import BaseCommand

from civicgrid.core import eventdoc


class Command(BaseCommand):
    help = "Print docs/events.md: every domain event with its fields, from the code."

    def handle(self, *args, **options):
        self.stdout.write(eventdoc.render(), ending="")
