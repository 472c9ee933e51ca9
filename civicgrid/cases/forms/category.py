"""The category field of the report and intake forms: <optgroup>s by major, the most used first, and
the data of the picker script (cases.picker, static/civicgrid/category-picker.js)."""

from functools import cached_property

from django.utils.translation import gettext_lazy as _

from civicgrid.cases import picker


class CategoryPickerMixin:
    """Group the category field into <optgroup>s by major, the most used in `usage_area` first, and
    give the page the picker's data (`category_picker`, for json_script)."""

    def set_up_category_picker(self, queryset, usage_area="", empty_label=None, with_code=False):
        """Offer the minors of `queryset` (with .parent loaded) grouped by major (`usage_area`: a region
        code, or a function giving one). A ModelChoiceField
        validates against the queryset; a plain ChoiceField against the grouped choices.

        The groups are built only when something reads them (the page is drawn, or a plain
        ChoiceField validates): a valid report posted with a ModelChoiceField never pays for them."""
        field = self.fields["category"]
        self._picker_source = (queryset, usage_area)
        label = empty_label or getattr(field, "empty_label", "")

        def grouped():
            return picker.choices(self.category_groups, label, with_code)

        if hasattr(field, "queryset"):
            field.queryset = queryset
            field.widget.choices = grouped
        else:
            field.choices = grouped

    @cached_property
    def category_groups(self):
        queryset, usage_area = self._picker_source
        if callable(usage_area):  # the view's way to defer finding the user's community
            usage_area = usage_area()
        return picker.grouped(list(queryset), picker.usage(usage_area))

    @property
    def category_picker(self):
        suggested = None
        if self.is_bound and not self.data.get("category"):
            found = picker.suggest(self.data.get("description", ""), self.category_groups)
            if found.major is not None:
                suggested = {"major": found.major.pk, "minor": found.minor.pk if found.minor else None}
        return {
            "majors": picker.table(self.category_groups),
            "suggested": suggested,
            "strings": {
                "search": _("搜索分类"),
                "searchPlaceholder": _("搜索分类，例如：井盖、噪音"),
                "majors": _("大类"),
                "minors": _("小类"),
                "allMajors": _("← 全部大类"),
                "more": _("更多大类（%(n)s）"),
                "chosen": _("已选：%(name)s"),
                "suggested": _("根据描述推荐：%(name)s（可更改）"),
                "suggestedMajor": _("根据描述推荐大类：%(name)s，请选择小类"),
                "found": _("找到 %(n)s 个类别"),
                "none": _("没有找到匹配的类别，请换个词或在下方列表中选择。"),
                "suggestions": _("推荐类别："),
            },
        }
