from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "civicgrid.api"
    label = "api"
    verbose_name = _("开放接口")

    def ready(self):
        # The webhook outbox is written by the case write path itself, inside its transaction
        # (civicgrid.cases.actions.EVENT_LISTENERS): an explicit hook, not a signal.
        from civicgrid.api import schema, webhooks  # noqa: F401 - schema registers the key scheme
        from civicgrid.cases import actions

        if webhooks.enqueue_case_event not in actions.EVENT_LISTENERS:
            actions.EVENT_LISTENERS.append(webhooks.enqueue_case_event)

        from civicgrid.api import demo
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs

        demo_registry.register(demo_registry.Seeder("api", demo.seed_demo, order=60))
        jobs.register(
            jobs.Job("deliver_webhooks", "civicgrid.api.webhooks.deliver_due", "API_WEBHOOK_INTERVAL"),
            jobs.Job("purge_idempotency_records", "civicgrid.api.idempotency.purge_expired", 3600),
        )
