from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "civicgrid.api"
    label = "api"
    verbose_name = _("开放接口")

    def ready(self):
        from civicgrid.api import schema, webhooks  # noqa: F401 - schema registers the key scheme
        from civicgrid.cases.events import CaseEventRecorded
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import events, jobs

        # The webhook outbox is written with every case event, in its transaction: a rolled-back
        # action leaves no outbox row, a committed one always has one.
        events.subscribe(CaseEventRecorded, webhooks.on_case_event, phase=events.IN_TRANSACTION)
        demo_registry.register(demo_registry.Seeder("api", "civicgrid.api.demo.seed_demo", order=60))
        jobs.register(
            jobs.Job("deliver_webhooks", "civicgrid.api.webhooks.deliver_due", "API_WEBHOOK_INTERVAL"),
            jobs.Job("purge_idempotency_records", "civicgrid.api.idempotency.purge_expired", 3600),
        )
