from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from civicgrid.accounts import actions, selectors
from civicgrid.accounts.forms import LoginForm, OwnPasswordChangeForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        registration = getattr(form.get_user(), "registration", None)
        if registration is not None and registration.status == registration.Status.PENDING:
            messages.info(self.request, _("您的注册正在等待社区核对，核对通过后即可反映问题。"))
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("您已安全退出。"))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the signed-in user's own password, with the password policy."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm

    def get_context_data(self, **kwargs):
        from django.contrib.auth.password_validation import password_validators_help_texts

        return super().get_context_data(policy=password_validators_help_texts(), **kwargs)

    def form_valid(self, form):
        user = actions.change_password(self.request.user, form.cleaned_data["new_password1"], request=self.request)
        update_session_auth_hash(self.request, user)  # this session stays; the others end
        messages.success(self.request, _("密码已修改。在其他设备上的登录已失效，需要用新密码重新登录。"))
        return redirect("accounts:password_change")

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            actions.wrong_current_password(self.request.user, request=self.request)
        return super().form_invalid(form)


class RecentLoginsView(LoginRequiredMixin, TemplateView):
    """登录记录: the user's own recent sign-ins, failures and lockouts from the security log."""

    template_name = "accounts/recent_logins.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(events=selectors.recent_logins(self.request.user), **kwargs)
