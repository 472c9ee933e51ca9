"""The English catalogues: complete, no fuzzy guesses, placeholders intact, and current with the code.

Chinese is the source language (msgids). English lives in civicgrid/locale/en/LC_MESSAGES/django.po
and, for an app that keeps its own catalogue, in civicgrid/<app>/locale/en/LC_MESSAGES/django.po
(makemessages puts an app's strings there once that folder exists). After adding or changing a
user-facing string:
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
PO_PATHS = sorted(PACKAGE.glob("**/locale/en/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def catalogue():
    """Every English entry of every catalogue."""
    entries = polib.POFile()
    for path in PO_PATHS:
        entries.extend(polib.pofile(str(path)))
    return entries


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_is_translated_and_none_is_fuzzy():
    for path in PO_PATHS:
        po = polib.pofile(str(path))
        assert not po.metadata_is_fuzzy and po.metadata["Language"] == "en", path
    po = catalogue()
    assert len(po) > 100
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


@pytest.mark.parametrize("po_path", PO_PATHS, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_compiled_catalogue_is_current(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make messages` to compile the catalogue"
    compiled = {(entry.msgctxt, entry.msgid): translations(entry) for entry in polib.mofile(str(mo_path))}
    for entry in polib.pofile(str(po_path)).translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == translations(entry), (
            f"{mo_path} is stale: run `make messages`"
        )


def test_catalogue_holds_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the code must find nothing new to translate."""
    assert shutil.which("xgettext"), "GNU gettext is missing: run scripts/system-deps.sh (make test does)"
    copy = tmp_path / "civicgrid"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "*.pyc"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0)
    missing = [
        entry.msgid
        for path in copy.glob("**/locale/en/LC_MESSAGES/django.po")
        for entry in polib.pofile(str(path))
        if not entry.obsolete and not entry.translated()
    ]
    assert not missing, (
        f"strings missing from the English catalogue (run makemessages, translate, make messages): {missing}"
    )
