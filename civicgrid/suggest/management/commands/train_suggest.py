"""`manage.py train_suggest [--no-activate] [--if-changed]`: train a category model version."""

from django.core.management.base import BaseCommand, CommandError

from civicgrid.suggest import actions


class Command(BaseCommand):
    help = "Train the category suggestion model from the corpus, the categories and the closed cases."

    def add_arguments(self, parser):
        parser.add_argument("--no-activate", action="store_true", help="store the version without making it active")
        parser.add_argument("--if-changed", action="store_true", help="as the scheduled job: only when data changed")

    def handle(self, *args, **options):
        if options["if_changed"]:
            self.stdout.write(actions.retrain_if_changed())
            return
        try:
            version = actions.train_model(activate=not options["no_activate"], note="command")
        except actions.NothingToTrain as problem:
            raise CommandError(str(problem)) from None
        state = "active" if version.is_active else "stored"
        self.stdout.write(f"{version.label} ({state}): trained on {version.trained_on}, {version.metrics}")
