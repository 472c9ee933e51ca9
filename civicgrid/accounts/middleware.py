import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "civicgrid_last_seen"
# Refresh the timestamp at most this often, so that a busy page does not write the session each time.
TOUCH_INTERVAL_SECONDS = 30


class IdleTimeoutMiddleware:
    """Ends a signed-in session that has been idle longer than SESSION_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - last_seen > limit:
                request.idle_logout = True
                logout(request)
                messages.info(request, _("您已超过 %(n)d 分钟未操作，请重新登录。") % {"n": limit // 60})
            elif last_seen is None or now - last_seen > TOUCH_INTERVAL_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class MustChangePasswordMiddleware:
    """A user signed in with a temporary password (given by community staff) is sent to 修改密码
    until they set their own; only that page, signing out and static files stay open."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and getattr(user, "must_change_password", False)):
            return None
        match = request.resolver_match
        if match is None or match.view_name in self.ALLOWED or match.namespace == "admin":
            return None
        if getattr(view_func, "same_for_everyone", False):  # civicgrid.core.http.same_for_everyone
            return None
        if request.path.startswith(("/static/", "/media/", "/api/")):
            return None
        if request.method == "GET":
            messages.warning(request, _("您正在使用社区工作人员设置的临时密码，请先设置自己的新密码。"))
        return redirect("accounts:password_change")
