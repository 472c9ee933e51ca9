"""The English catalogue: complete, no fuzzy guesses, placeholders intact, and current with the code.

Chinese is the source language (msgids); English lives in civicgrid/locale/en/LC_MESSAGES/django.po.
After adding or changing a user-facing string:
    cd civicgrid && ../.venv/bin/python ../manage.py makemessages -l en --ignore 'static/*'
then translate the new entries and run `make messages` (scripts/compile_messages.py).
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import civicgrid

PACKAGE = Path(civicgrid.__file__).resolve().parent
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def catalogue():
    return polib.pofile(str(PO_PATH))


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert len(po) > 100
    assert not po.metadata_is_fuzzy and po.metadata["Language"] == "en"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert all(all(text.strip() for text in translations(entry)) for entry in po)


def test_translations_keep_every_placeholder():
    for entry in catalogue():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for text in translations(entry):
            assert set(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_english_is_english():
    chinese = re.compile(r"[\u4e00-\u9fff]")
    leftovers = [entry.msgid for entry in catalogue() if any(chinese.search(t) for t in translations(entry))]
    assert not leftovers, f"Chinese left in English translations: {leftovers}"


def test_compiled_catalogue_is_current():
    mo_path = PO_PATH.with_suffix(".mo")
    assert mo_path.exists(), "run `make messages` to compile the catalogue"
    compiled = {(entry.msgctxt, entry.msgid): translations(entry) for entry in polib.mofile(str(mo_path))}
    for entry in catalogue().translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == translations(entry), (
            f"{mo_path.name} is stale: run `make messages`"
        )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_catalogue_holds_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the code must find nothing new to translate."""
    copy = tmp_path / "civicgrid"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "*.pyc"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0)
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in fresh if not entry.obsolete and not entry.translated()]
    assert not missing, (
        f"strings missing from the English catalogue (run makemessages, translate, make messages): {missing}"
    )
