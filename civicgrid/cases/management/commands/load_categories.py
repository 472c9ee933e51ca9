"""Load the default case categories (idempotent). Local edits are kept unless --update is given."""

from django.core.management.base import BaseCommand

from civicgrid.cases.catalogue import import_category_table
from civicgrid.cases.categories import DATA_FILE


class Command(BaseCommand):
    help = (
        "Create the shipped default case categories that are missing (GB/T 30428-style classes and community matters)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="category table (JSON) to load")
        parser.add_argument(
            "--update", action="store_true", help="also overwrite shipped fields of existing categories"
        )

    def handle(self, *args, file, update, **options):
        # One transaction; each category written gets a change-log row (IMPORT, naming the file).
        report = import_category_table(file, update=update)
        self.stdout.write(
            self.style.SUCCESS(
                f"categories: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            )
        )
