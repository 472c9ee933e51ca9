"""Admin pages: read-only lists (every write goes through the actions, on the app's own pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicgrid.services.models import Craftsman, CraftsmanOrder, ServiceLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceLink)
class ServiceLinkAdmin(ReadOnlyAdmin):
    list_display = ("title", "category", "region_code", "order", "is_published")
    list_filter = ("category", "is_published")
    search_fields = ("title",)


@admin.register(Craftsman)
class CraftsmanAdmin(ReadOnlyAdmin):
    list_display = ("name", "region_code", "status", "is_available", "rating_count")
    list_filter = ("status",)
    search_fields = ("name",)
    exclude = ("phone_enc", "phone_hash")


@admin.register(CraftsmanOrder)
class CraftsmanOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "craftsman", "status", "region_code", "created_at", "rating")
    list_filter = ("status",)

    @admin.display(description=_("编号"), ordering="pk")
    def number(self, order):
        return order.pk
