from django import forms
from django.utils.translation import gettext_lazy as _

from civicgrid.core.forms import Form
from civicgrid.notifications import channels
from civicgrid.notifications.models import DeliveryMode, Kind


class PreferenceForm(Form):
    """One multiple-choice field per kind (the external channels), and instant or daily digest."""

    mode = forms.ChoiceField(label=_("发送方式"), choices=DeliveryMode.choices, widget=forms.RadioSelect)

    def __init__(self, *args, pref, **kwargs):
        super().__init__(*args, **kwargs)
        self.pref = pref
        enabled = channels.enabled_channels()
        choices = [(name, channels.get(name).label) for name in enabled]
        self.initial.setdefault("mode", pref.mode)
        for value, label in Kind.choices:
            chosen = pref.channels.get(value) if isinstance(pref.channels, dict) else None
            self.fields[f"kind_{value}"] = forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=enabled if chosen is None else chosen,
            )

    def kind_fields(self):
        return [self[f"kind_{value}"] for value in Kind.values]

    def save(self):
        self.pref.mode = self.cleaned_data["mode"]
        self.pref.channels = {value: list(self.cleaned_data[f"kind_{value}"]) for value in Kind.values}
        self.pref.save()
        return self.pref
