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
