"""Forms of residents' registration and password reset (civicgrid.accounts.registration, .reset)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.regions.models import Level, Region


def community_choices():
    """Every active community, grouped by its street, in code order."""
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True).select_related("parent").order_by("code")
    groups = {}
    for community in communities:
        street = community.parent.name if community.parent_id else ""
        groups.setdefault(street, []).append((community.pk, community.name))
    return [("", _("请选择社区"))] + list(groups.items())


class PhoneMixin:
    def clean_phone(self):
        from civicgrid.accounts.registration import clean_phone

        try:
            return clean_phone(self.cleaned_data["phone"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["phone"]) from None


class PasswordPairMixin:
    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


def password_fields():
    return (
        forms.CharField(
            label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
        ),
        forms.CharField(
            label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
        ),
    )


phone_field_attrs = {"autocomplete": "tel", "inputmode": "numeric", "maxlength": "13"}


class RegisterForm(PhoneMixin, PasswordPairMixin, Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs=phone_field_attrs))
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    community = forms.TypedChoiceField(label=_("居住社区"), coerce=int, empty_value=None)
    password1, password2 = password_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = community_choices()

    def clean_community(self):
        pk = self.cleaned_data.get("community")
        community = Region.objects.filter(pk=pk, level=Level.COMMUNITY, is_active=True).first()
        if community is None:
            raise forms.ValidationError(_("请选择您居住的社区。"))
        return community


class ResetRequestForm(PhoneMixin, Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs=phone_field_attrs))


class ResetConfirmForm(PasswordPairMixin, Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password1, password2 = password_fields()


class RejectForm(Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=200)
