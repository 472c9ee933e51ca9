"""The base classes of every CivicGrid API serializer: no text field accepts invisible control characters.

`HygieneMixin` gives every text field the serializer builds (any DRF CharField: CharField,
EmailField, RegexField…, JSONField, and the children of ListField and DictField; declared or
generated from the model) the validator civicgrid.core.text.no_control_characters: such text is
refused with a 400 naming the field (包含不可见的控制字符…). Tab and line breaks stay allowed.
Every serializer in civicgrid derives from `Serializer`, `ModelSerializer` or the mixin
(civicgrid/core/tests/test_text.py walks them all).
"""

from rest_framework import serializers

from civicgrid.core.text import no_control_characters


def guard_field(field):
    """Add no_control_characters to `field` (the serializer's own copy) if it takes text."""
    child = getattr(field, "child", None)
    if isinstance(field, serializers.ListField | serializers.DictField) and child is not None:
        guard_field(child)
    if (
        isinstance(field, serializers.CharField | serializers.JSONField)
        and no_control_characters not in field.validators
    ):
        field.validators.append(no_control_characters)


class HygieneMixin:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            guard_field(field)
        return fields


class Serializer(HygieneMixin, serializers.Serializer):
    pass


class ModelSerializer(HygieneMixin, serializers.ModelSerializer):
    pass
