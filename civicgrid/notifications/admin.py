from django.contrib import admin

from civicgrid.notifications.models import DeadlineReminder, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "recipient__name"]
    raw_id_fields = ["recipient", "case"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "last_digest_at"]
    raw_id_fields = ["user"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "step", "colour"]
    raw_id_fields = ["case"]
