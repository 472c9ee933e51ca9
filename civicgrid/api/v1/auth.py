"""Tokens for people (rest_framework.authtoken) and "who am I"."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, views
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from civicgrid.accounts.actions import record_security_event
from civicgrid.accounts.models import SecurityEvent
from civicgrid.accounts.scopes import active_assignments
from civicgrid.api.exceptions import ApiError
from civicgrid.core.serializers import Serializer


class TokenRequestSerializer(Serializer):
    username = serializers.CharField(help_text="username or phone number", max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)


TokenSerializer = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(views.APIView):
    """POST: sign in and get a token (`Authorization: Token <token>`); DELETE: sign out (revoke it).
    The same lockout as the login page applies (five failures lock the account for 30 minutes)."""

    def get_permissions(self):
        return [AllowAny()] if getattr(self.request, "method", "POST") == "POST" else [IsAuthenticated()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ApiError("authentication_failed", _("用户名或密码不正确，或账号已被锁定。"), 400)
        if hasattr(user, "api_application"):
            raise ApiError("authentication_failed", _("服务账号不能登录，请使用 API 密钥。"), 400)
        token, _created = Token.objects.get_or_create(user=user)
        record_security_event(
            SecurityEvent.Kind.LOGIN, user=user, username=user.username, request=request._request, via="api"
        )
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(views.APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Me",
                {
                    "id": serializers.IntegerField(),
                    "username": serializers.CharField(),
                    "name": serializers.CharField(),
                    "phone": serializers.CharField(help_text="masked"),
                    "roles": serializers.ListField(child=serializers.DictField()),
                    "application": serializers.CharField(allow_null=True),
                },
            )
        }
    )
    def get(self, request):
        user = request.user
        key = getattr(user, "_api_key", None)
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.display_name,
                "phone": user.masked_phone,
                "roles": [
                    {
                        "role": a.role,
                        "region": a.region.code if a.region_id else None,
                        "department": a.department.code if a.department_id else None,
                    }
                    for a in active_assignments(user)
                ],
                "application": key.application.name if key else None,
            }
        )
