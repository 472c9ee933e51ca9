from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    name = "civicgrid.suggest"
    label = "suggest"
    verbose_name = _("智能分拨")

    def ready(self):
        from civicgrid.cases import routing
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs
        from civicgrid.suggest import selectors

        # Scheduled retraining from the closed cases (the in-process scheduler or Celery beat).
        jobs.register(jobs.Job("retrain_category_model", "civicgrid.suggest.actions.retrain_if_changed", 24 * 3600))
        # After the cases seeder (order 40): the demo's closed cases join the training.
        demo_registry.register(demo_registry.Seeder("suggest", "civicgrid.suggest.demo.seed_demo", order=45))
        # Nearby duplicates by meaning: the case loop asks how alike two texts are.
        routing.register_text_matcher(routing.TextMatcher("suggest", selectors.similarity))

        from civicgrid.suggest import wiring

        wiring.connect()  # urgency, moderation, feedback records, routing hint, accuracy page
