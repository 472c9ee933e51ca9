"""The admin speaks human words in both languages: no app label ("AXES"), model or field identifier
("MASKED PHONE") heads a section, a row or a column, on the index or on any change list; and "应用"
reads "Application" where it names an API application, "Apply" where it is a button."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import Client
from django.utils import translation

from civicgrid.testing import make_user

# ASCII words allowed on a Chinese page: names of protocols and products people know by these.
ALLOWED_ASCII = {"Webhook", "API", "IP", "URL", "GET", "POST", "HTTP", "ID", "SHA-256", "CivicGrid", "Open311", "Excel"}


def _admin_client(lang):
    user = make_user("root")
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.cookies["django_language"] = lang
    client.force_login(user)
    return client


def _identifiers():
    """Every app label and model name as written in code (a heading Django made from them)."""
    names = set()
    for model in admin.site._registry:
        meta = model._meta
        names |= {meta.app_label, meta.model_name}
        if re.search(r"[a-z][A-Z]", meta.object_name):  # AbuseReport, not User
            names.add(meta.object_name)
    return names


def test_every_app_in_the_admin_has_a_name_of_its_own():
    """Not the label made from the package name ("Axes", heading the index as AXES)."""
    unnamed = {
        model._meta.app_config.name
        for model in admin.site._registry
        if str(model._meta.app_config.verbose_name) == model._meta.app_config.label.title()
    }
    assert not unnamed


def _headings(html):
    captions = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<caption>(.*?)</caption>", html, re.S)]
    rows = [re.sub(r"<[^>]+>", "", r).strip() for r in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)]
    return captions, rows


def _ascii_words(text):
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", text) if w not in ALLOWED_ASCII]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_admin_index_has_no_raw_identifiers(lang):
    html = _admin_client(lang).get("/admin/").content.decode()
    captions, rows = _headings(html)
    assert len(captions) >= 8 and len(rows) >= 30
    identifiers = _identifiers()
    for text in captions + rows:
        assert text not in identifiers, f"raw identifier heading {text!r} ({lang})"
        assert "_" not in text, f"identifier-like heading {text!r} ({lang})"
        if lang == "zh-hans":
            assert not _ascii_words(text), f"English words on the Chinese admin: {text!r}"
    if lang == "zh-hans":
        assert "登录防护" in captions
    else:
        assert "Login protection" in captions and "Applications" not in captions


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_change_list_columns_are_named(lang):
    """No change list column shows an attribute's name: on the Chinese admin none is in English
    (a column Django names after the attribute, like "Masked phone", would be), in English none
    keeps an underscore."""
    unnamed = []
    with translation.override(lang):
        for model, model_admin in admin.site._registry.items():
            for name in model_admin.list_display:
                if not isinstance(name, str) or name == "__str__":
                    continue
                label = str(label_for_field(name, model, model_admin))
                if "_" in label:
                    unnamed.append(f"{model._meta.label}.{name}")
                elif lang == "zh-hans" and model._meta.app_label not in {"auth"} and _ascii_words(label):
                    unnamed.append(f"{model._meta.label}.{name} = {label!r}")
    assert not unnamed


def test_the_word_application_is_an_application_only_where_it_means_one():
    from civicgrid.api.models import ApiKey

    with translation.override("en"):
        assert str(ApiKey._meta.get_field("application").verbose_name) == "Application"
        assert translation.pgettext("apply the period", "应用") == "Apply"
    with translation.override("zh-hans"):
        assert str(ApiKey._meta.get_field("application").verbose_name) == "应用"
