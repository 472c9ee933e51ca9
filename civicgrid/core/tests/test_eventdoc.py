from pathlib import Path

from civicgrid.core import eventdoc

DOC = Path(__file__).resolve().parents[3] / "docs" / "events.md"


def test_docs_events_md_lists_every_event_as_the_code_declares_it():
    assert DOC.read_text(encoding="utf-8") == eventdoc.render(), (
        "docs/events.md drifted from the code: python manage.py events_doc > docs/events.md"
    )
