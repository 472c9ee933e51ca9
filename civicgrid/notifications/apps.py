from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "civicgrid.notifications"
    verbose_name = _("消息通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civicgrid.cases.notifications import register
        from civicgrid.notifications.actions import deliver_notice

        # Every Notice the case actions schedule on commit lands in the inbox and the channels.
        register(deliver_notice)
