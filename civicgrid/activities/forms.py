"""The activity's form (organisers), the summary and photo forms, and the code forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.activities import selectors
from civicgrid.core.forms import Form

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class ActivityForm(Form):
    title = forms.CharField(label=_("活动名称"), max_length=100)
    description = forms.CharField(label=_("活动介绍"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    region = forms.ModelChoiceField(label=_("面向区域"), queryset=None, help_text=_("哪里的居民可以报名"))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    signup_deadline = forms.DateTimeField(label=_("报名截止时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label=_("活动地点"), max_length=200)
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    capacity = forms.IntegerField(label=_("名额"))
    min_age = forms.IntegerField(label=_("最小年龄"), required=False)
    max_age = forms.IntegerField(label=_("最大年龄"), required=False)
    tag_code = forms.ChoiceField(label=_("限定人群"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from civicgrid.people.selectors import public_tags

        self.fields["region"].queryset = selectors.organiser_regions(user)
        self.fields["tag_code"].choices = [("", _("不限"))] + public_tags()


class SummaryForm(Form):
    summary = forms.CharField(label=_("活动总结"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class CodeForm(Form):
    code = forms.CharField(label=_("签到码"), max_length=200)
