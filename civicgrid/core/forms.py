"""The base classes of every CivicGrid form: no text field accepts invisible control characters.

`HygieneMixin` gives every text field of the form (any django.forms.CharField: CharField,
EmailField, JSONField, RegexField…; also those a form adds in its own __init__, and the parts of
a MultiValueField) the validator civicgrid.core.text.no_control_characters, just before the form
is cleaned: such text is refused with a field error (包含不可见的控制字符…), so the person can
remove it; tab and line breaks stay allowed. Every form in civicgrid derives from `Form`,
`ModelForm` or the mixin (civicgrid/core/tests/test_text.py walks them all).
"""

from django import forms

from civicgrid.core.text import no_control_characters


def guard_field(field):
    """Add no_control_characters to `field` (a form's own copy) if it takes text."""
    if isinstance(field, forms.MultiValueField):
        for part in field.fields:
            guard_field(part)
    if isinstance(field, forms.CharField) and no_control_characters not in field.validators:
        field.validators.append(no_control_characters)


class HygieneMixin:
    def full_clean(self):
        for field in self.fields.values():
            guard_field(field)
        super().full_clean()


class Form(HygieneMixin, forms.Form):
    pass


class ModelForm(HygieneMixin, forms.ModelForm):
    pass


def add_errors(form, exc):
    """Put an action's ValidationError on `form`: on the fields it names, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
