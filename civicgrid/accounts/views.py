from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from civicgrid.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("您已安全退出。"))
        return response
