"""Operators' page of the category model: its versions, which one answers, restore an older one.
While no version is active the page says that the keyword rules answer instead."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from civicgrid.suggest import actions, selectors
from civicgrid.suggest.models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "created_at", "is_active", "activated_at", "trained_on", "metrics", "note"]
    fields = ["label", "created_at", "created_by", "is_active", "activated_at", "trained_on", "metrics", "seed", "note"]
    readonly_fields = fields
    actions = ["activate"]

    def has_add_permission(self, request):
        return False  # versions come from training (manage.py train_suggest, the scheduled job)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("启用所选版本（可用于恢复旧版本）"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本。"), messages.ERROR)
            return
        version = actions.activate_version(queryset.get(), request.user, note="admin")
        self.message_user(request, _("已启用模型版本 %(label)s。") % {"label": version.label}, messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        label, fallback = selectors.model_status()
        if fallback:
            self.message_user(
                request,
                _("尚无启用的分类模型：类别推荐目前由关键词规则给出。请运行 manage.py train_suggest 训练模型。"),
                messages.WARNING,
            )
        else:
            self.message_user(request, _("当前推荐类别的模型版本：%(label)s。") % {"label": label}, messages.INFO)
        return super().changelist_view(request, extra_context)
