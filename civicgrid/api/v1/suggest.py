"""POST /api/v1/categories/suggest/: the likely categories of a report's text (civicgrid.suggest).

Any signed-in caller may ask: a person (session or token, a resident too) or an application key.
The answer names at most five minor categories, best first, each with a score (0…1), whether the
text reads as an emergency, and the model version that answered ("keywords" when no model is
trained and the keyword rules answered).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from civicgrid.core.serializers import Serializer
from civicgrid.suggest import selectors


class StrictCharField(serializers.CharField):
    """A string and only a string (DRF's CharField would turn a number into text)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class SuggestRequestSerializer(Serializer):
    text = StrictCharField(
        max_length=selectors.MAX_TEXT,
        help_text="the report's words: title, description, address (at most 5,000 characters)",
        error_messages={"blank": _("请填写要分类的文字。"), "max_length": _("文字最多 5000 字。")},
    )
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)


SuggestionsSerializer = inline_serializer(
    "CategorySuggestion",
    many=True,
    fields={
        "code": serializers.CharField(help_text="minor category code"),
        "name": serializers.CharField(),
        "major_code": serializers.CharField(),
        "major_name": serializers.CharField(),
        "score": serializers.FloatField(help_text="0…1, the model's confidence"),
    },
)

SuggestResponseSerializer = inline_serializer(
    "CategorySuggestions",
    {
        "suggestions": SuggestionsSerializer,
        "urgent": serializers.BooleanField(help_text="the text describes an emergency"),
        "model_version": serializers.CharField(help_text='the model that answered; "keywords": the keyword rules'),
    },
)


class CategorySuggestViewSet(viewsets.ViewSet):
    """根据描述推荐案件类别。"""

    pagination_class = None

    @extend_schema(
        summary="Suggest categories for a report's text",
        request=SuggestRequestSerializer,
        responses={200: SuggestResponseSerializer},
        examples=[OpenApiExample("text", value={"text": "晚上这条路黑漆漆的，路灯坏了"}, request_only=True)],
    )
    def create(self, request):
        serializer = SuggestRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = selectors.suggest(serializer.validated_data["text"])
        return Response(
            {
                "suggestions": [s.as_dict() for s in answer.suggestions],
                "urgent": answer.urgent,
                "model_version": answer.model_version,
            }
        )


def register(router):
    router.register("categories/suggest", CategorySuggestViewSet, basename="category-suggest")
