"""The read path: category suggestions for a text, and how alike two texts are.

Suggestions come from the active trained model (civicgrid.suggest.engine); without one, the keyword
rules of the report forms (cases.picker.suggest) answer, and the answer says so (`fallback`).
The categories are the selectable minors, cached per process for CATEGORY_SECONDS.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np

from civicgrid.suggest import conf, engine, urgency

MAX_TEXT = 5000
MAX_SUGGESTIONS = 5
CATEGORY_SECONDS = 60
KEYWORDS_VERSION = "keywords"


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    code: str
    name: str
    major_code: str
    major_name: str
    score: float

    def as_dict(self):
        return {
            "code": self.code,
            "name": self.name,
            "major_code": self.major_code,
            "major_name": self.major_name,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Answer:
    suggestions: tuple
    urgent: bool
    urgent_terms: tuple
    model_version: str
    fallback: bool  # True: no trained model, the keyword rules answered

    @property
    def preselect(self):
        """The first suggestion when it is sure enough to be chosen for the user (else None)."""
        if self.suggestions and self.suggestions[0].score >= conf.get("SUGGEST_PRESELECT_SCORE"):
            return self.suggestions[0]
        return None


class _Categories:
    def __init__(self):
        self.lock = threading.Lock()
        self.loaded_at = None
        self.by_code = {}
        self.groups = []

    def get(self):
        now = time.monotonic()
        if self.loaded_at is None or now - self.loaded_at > CATEGORY_SECONDS:
            with self.lock:
                if self.loaded_at is None or now - self.loaded_at > CATEGORY_SECONDS:
                    from civicgrid.cases import picker
                    from civicgrid.cases.models import Category

                    minors = list(Category.objects.selectable().select_related("parent").order_by("code"))
                    self.by_code = {minor.code: minor for minor in minors}
                    self.groups = picker.grouped(minors)
                    self.loaded_at = now
        return self


_categories = _Categories()


def forget_categories():
    _categories.loaded_at = None


def _suggestion(minor, score):
    return Suggestion(minor.pk, minor.code, minor.name, minor.parent.code, minor.parent.name, float(score))


def _by_model(model, text, limit, by_code):
    ranked = []
    probabilities = model.probabilities(text)
    for index in np.argsort(-probabilities, kind="stable"):
        minor = by_code.get(model.classes[index])
        if minor is not None:
            ranked.append(_suggestion(minor, probabilities[index]))
            if len(ranked) == limit:
                break
    return tuple(ranked)


def _by_keywords(text, limit, categories):
    """The report forms' keyword rule: its minor when one wins, else the likely major's minors."""
    from civicgrid.cases import picker

    found = picker.suggest(text, categories.groups)
    if found.major is None:
        return ()
    if found.minor is not None:
        return (_suggestion(found.minor, 1.0),)
    group = next(g for g in categories.groups if g.major.pk == found.major.pk)
    share = 1.0 / len(group.minors)
    return tuple(_suggestion(minor, share) for minor in group.minors[:limit])


def suggest(text, limit=MAX_SUGGESTIONS):
    """An Answer for a report's text: at most `limit` minor categories, best first."""
    text = str(text or "")[:MAX_TEXT]
    categories = _categories.get()
    loaded = engine.current()
    found = urgency.assess(text)
    if loaded.model is not None:
        suggestions = _by_model(loaded.model, text, limit, categories.by_code)
        return Answer(suggestions, found.urgent, found.terms, loaded.label, False)
    return Answer(_by_keywords(text, limit, categories), found.urgent, found.terms, KEYWORDS_VERSION, True)


def keyword_suggestion(text):
    """The keyword rules alone (the benchmark's baseline): cases.picker.suggest's answer."""
    from civicgrid.cases import picker

    return picker.suggest(text, _categories.get().groups)


def model_status():
    """(label of the active model or "", True when the keyword rules answer instead)."""
    loaded = engine.current()
    return loaded.label, loaded.model is None


# --- Texts alike (duplicates by meaning) -----------------------------------------------------------


def _grams(text):
    from civicgrid.suggest.classifier import KEEP, normalise

    runs = KEEP.findall(normalise(text))
    return {run[i : i + n] for run in runs for n in (1, 2) for i in range(len(run) - n + 1)}


def similarity(text, others):
    """How alike `text` is to each of `others` (0…1): mostly whether the model reads them as the same
    problem (cosine of their category distributions), partly their shared characters and pairs of
    characters. Without a model, the shared characters alone."""
    loaded = engine.current()
    grams = _grams(text)
    scores = []
    base = loaded.model.probabilities(text) if loaded.model is not None else None
    for other in others:
        theirs = _grams(other)
        overlap = len(grams & theirs) / len(grams | theirs) if grams and theirs else 0.0
        if base is None:
            scores.append(overlap)
            continue
        probabilities = loaded.model.probabilities(other)
        cosine = float(base @ probabilities / (np.linalg.norm(base) * np.linalg.norm(probabilities)))
        scores.append(0.8 * cosine + 0.2 * overlap)
    return scores
