from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.actions import grant_role, revoke_role
from civicgrid.accounts.models import RoleAssignment, SecurityEvent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "masked_phone", "is_active", "is_staff", "last_login")
    search_fields = ("username", "name", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "phone", "password1", "password2")}),)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants go through grant_role and revocations through revoke_role, so both are logged."""

    list_display = ("user", "role", "region", "department", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__name", "region__name", "region__code", "department__name")
    autocomplete_fields = ("user", "region", "department")
    fields = ("user", "role", "region", "department")
    actions = ["revoke_selected"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        assignment = grant_role(
            obj.user, obj.role, region=obj.region, department=obj.department, actor=request.user, request=request
        )
        obj.pk = assignment.pk

    @admin.action(description=_("撤销所选角色授权"))
    def revoke_selected(self, request, queryset):
        count = 0
        for assignment in queryset.filter(revoked_at__isnull=True):
            revoke_role(assignment, actor=request.user, request=request)
            count += 1
        self.message_user(request, _("已撤销 %(n)d 项授权。") % {"n": count}, messages.SUCCESS)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "username", "user", "actor", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
