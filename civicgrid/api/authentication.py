"""Who is calling: a person with a token (rest_framework.authtoken), a signed-in browser session
(Swagger UI), or an application with an API key.

An API key acts through its application's service account, but only in the role and region the
key is bound to: the account's role assignments are replaced, for this request, by one unsaved
assignment built from the key. Every restricted queryset (`restrict(user, …)`) and every workflow
rule therefore sees exactly the key's scope, wherever the code asks.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from civicgrid.accounts.models import RoleAssignment
from civicgrid.api.keys import hash_key
from civicgrid.api.models import ApiKey

HEADER_KEYWORD = "Api-Key"
LAST_USED_RESOLUTION = 60  # seconds: a key's last use is written at most once a minute


def key_user(key):
    """The application's service account, acting only in the key's role and region."""
    user = key.application.user
    assignment = RoleAssignment(user=user, role=key.role, region=key.region)
    user._civicgrid_assignments = [assignment]
    user._api_key = key
    return user


def resolve_key(raw):
    """The usable ApiKey for `raw`, or None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("application__user", "region")
        .defer("region__boundary")
        .filter(key_hash=hash_key(raw))
        .first()
    )
    if key is None or not key.is_usable:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>` or `X-API-Key: <key>`."""

    def authenticate(self, request):
        raw = None
        header = authentication.get_authorization_header(request).decode("latin-1", "replace").split()
        if header and header[0].lower() == HEADER_KEYWORD.lower():
            if len(header) != 2:
                raise exceptions.AuthenticationFailed(_("API 密钥格式不正确。"))
            raw = header[1]
        elif request.META.get("HTTP_X_API_KEY"):
            raw = request.META["HTTP_X_API_KEY"]
        if raw is None:
            return None
        key = resolve_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("API 密钥无效、已过期或已吊销。"))
        return key_user(key), key

    def authenticate_header(self, request):
        return HEADER_KEYWORD


class BearerTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>` (rest_framework.authtoken) — also accepts `Bearer`."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            self.keyword = "Bearer"
        else:
            self.keyword = "Token"
        return super().authenticate(request)

    def authenticate_header(self, request):
        return "Token"
