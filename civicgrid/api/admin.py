from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from civicgrid.api import actions, webhooks
from civicgrid.api.models import ApiKey, Application, WebhookAttempt, WebhookDelivery, WebhookSubscription


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = [
        "name",
        "prefix",
        "role",
        "region",
        "rate_per_minute",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["region"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "is_active", "created_at"]
    readonly_fields = ["user", "created_at"]
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = actions.create_application(obj.name, description=obj.description, contact=obj.contact)
            obj.pk, obj.user = created.pk, created.user
            obj.created_at = created.created_at
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        return ["created_at"] if obj is None else ["user", "created_at"]

    def get_exclude(self, request, obj=None):
        return ["user"] if obj is None else []

    @admin.action(description=_("签发新密钥（范围同最近一把密钥）"))
    def issue_key(self, request, queryset):
        for application in queryset:
            last = application.keys.order_by("-created_at").first()
            if last is None:
                messages.error(request, _("%(app)s 还没有密钥：请先在下方添加一把以确定范围。") % {"app": application})
                continue
            _key, raw = actions.issue_key(
                application, region=last.region, role=last.role, rate_per_minute=last.rate_per_minute
            )
            messages.warning(request, _("%(app)s 的新密钥（仅显示这一次）：%(key)s") % {"app": application, "key": raw})


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["application", "url", "region", "is_active", "created_at"]
    raw_id_fields = ["region"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status_code", "error", "duration_ms"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False  # deliveries are made by the system (every field is read-only)

    @admin.action(description=_("重新投递"))
    def requeue(self, request, queryset):
        count = webhooks.requeue(queryset)
        messages.success(request, _("已重新排队 %(n)d 条。") % {"n": count})
