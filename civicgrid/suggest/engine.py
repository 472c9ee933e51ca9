"""The model each process answers with: loaded once, lazily, and swapped when another version is
made active (a cheap check of the active row at most every SUGGEST_RELOAD_SECONDS)."""

import threading
import time
from dataclasses import dataclass

from civicgrid.suggest import conf
from civicgrid.suggest.classifier import Model


@dataclass(frozen=True)
class Loaded:
    version_id: int | None
    label: str
    model: Model | None
    checked_at: float


_lock = threading.Lock()
_loaded = None


def _active_row():
    from civicgrid.suggest.models import ModelVersion

    return ModelVersion.objects.filter(is_active=True).values_list("pk", "label").first()


def current():
    """The active model (Loaded.model is None when there is none: the keyword rules answer)."""
    global _loaded
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now - loaded.checked_at < conf.get("SUGGEST_RELOAD_SECONDS"):
        return loaded
    with _lock:
        loaded = _loaded
        if loaded is not None and now - loaded.checked_at < conf.get("SUGGEST_RELOAD_SECONDS"):
            return loaded
        row = _active_row()
        if row is None:
            loaded = Loaded(None, "", None, now)
        elif loaded is not None and loaded.version_id == row[0]:
            loaded = Loaded(loaded.version_id, loaded.label, loaded.model, now)
        else:
            from civicgrid.suggest.models import ModelVersion

            weights = ModelVersion.objects.filter(pk=row[0]).values_list("weights", flat=True).first()
            model = Model.from_bytes(weights) if weights is not None else None
            loaded = Loaded(row[0] if model else None, row[1] if model else "", model, now)
        _loaded = loaded
        return loaded


def forget():
    """Check the active version on the next call (after an activation in this process, and in tests)."""
    global _loaded
    with _lock:
        _loaded = None
