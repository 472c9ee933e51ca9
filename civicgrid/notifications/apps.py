from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "civicgrid.notifications"
    verbose_name = _("消息通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civicgrid.cases.events import CaseEventRecorded
        from civicgrid.core import events, jobs, navigation
        from civicgrid.notifications.actions import deliver_message, queue_case_event

        # The notices every case event carries land in the inbox and the channels after the commit (on
        # the Celery worker when a broker is configured).
        events.subscribe(CaseEventRecorded, queue_case_event, phase=events.ON_COMMIT)
        # What other apps tell named users (an activity's waitlist, a notice's reminder).
        events.subscribe(events.MessageSent, deliver_message, phase=events.ON_COMMIT)
        navigation.register(
            navigation.NavItem(
                _("消息"),
                "notifications:inbox",
                None,
                "bell",
                _("案件派遣、时限提醒等消息"),
                active_for=("notifications:*",),
                order=150,
                badge="civicgrid.notifications.templatetags.notifications.nav_badge",
                tool=True,
            )
        )
        jobs.register(
            jobs.Job(
                "raise_deadline_reminders",
                "civicgrid.notifications.jobs.raise_deadline_reminders",
                "NOTIFICATIONS_REMINDER_INTERVAL",
                order=10,
            ),
            # Hourly; the job itself sends once a day, from NOTIFICATIONS_DIGEST_HOUR.
            jobs.Job("send_daily_digests", "civicgrid.notifications.jobs.send_daily_digests", 3600, order=20),
        )
