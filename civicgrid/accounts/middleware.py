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
