"""The user's own inbox (消息): list, mark one or all read."""

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicgrid.core.serializers import ModelSerializer
from civicgrid.notifications import actions
from civicgrid.notifications.models import Kind, Notification


class NotificationSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "case_number", "created_at", "read_at"]
        read_only_fields = fields  # responses only: no database-dependent bounds in the schema


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)

    class Meta:
        model = Notification
        fields = ["kind"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """站内消息（仅本人）。"""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return (
            Notification.objects.filter(recipient=self.request.user)
            .select_related("case")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        actions.mark_read(request.user, notification.pk)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": actions.mark_all_read(request.user) or 0})

    @extend_schema(responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})})
    @action(detail=False, url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": actions.unread_count(request.user)})


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
