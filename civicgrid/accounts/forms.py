from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import HygieneMixin


class LoginForm(HygieneMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("手机号或用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("手机号/用户名或密码不正确。连续失败 %(limit)s 次后账号将被锁定 %(minutes)s 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


def password_check_key(user):
    """The rate-limit key of wrong current passwords on the password-change page."""
    return f"password_check_{user.pk}"


class OwnPasswordChangeForm(HygieneMixin, PasswordChangeForm):
    """Django's password change (the new password passes AUTH_PASSWORD_VALIDATORS), in the
    project's words. After too many wrong current passwords in the lockout window it refuses every
    attempt, so a session left open cannot be used to guess the password."""

    error_messages = {
        "password_incorrect": _("当前密码不正确。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
        "password_unchanged": _("新密码不能与当前密码相同。"),
        "too_many_attempts": _("尝试次数过多：当前密码已连续输错多次，请 %(minutes)d 分钟后再试。"),
    }

    old_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_old_password(self):
        from django.conf import settings

        from civicgrid.ratelimit import store

        if store.peek(password_check_key(self.user)) >= settings.AXES_FAILURE_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
            )
        return super().clean_old_password()

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and "old_password" in cleaned and new == cleaned["old_password"]:
            self.add_error("new_password1", forms.ValidationError(self.error_messages["password_unchanged"]))
        return cleaned

    def save(self, commit=True):
        raise NotImplementedError("the password is changed by accounts.actions.change_password")
