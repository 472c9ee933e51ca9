"""cases.suggest: how well the category model suggests, measured on the held-out set, and how fast.

Data: the held-out set civicgrid/suggest/data/heldout.tsv (`minor_code<TAB>text`, written separately
from the training corpus; the run fails if it is missing or shares a text with the corpus). The
model is trained in the run, on a throwaway SQLite database holding the shipped categories, from
the corpus files in civicgrid/suggest/data/train and the categories' own words (no cases), with the
fixed seed, exactly as `manage.py train_suggest` does.

Figures (three results):
- cases.suggest.top1_major: % of held-out texts whose first suggestion is in the right major category;
- cases.suggest.top3_minor: % whose right minor category is among the first three suggestions;
- cases.suggest.latency_p95: 95th percentile in ms of `civicgrid.suggest.selectors.suggest(text)`,
  the request path's work (model check, features, scores, categories, urgency), one core, warm.

Baseline, same run, same texts: the keyword rules alone (cases.picker.suggest, what the report
forms did before): its major, and its single minor when one wins (so top-3 is at most that one).
"""

import time

from bench.common import Result, benchmark, percentile, pin_to_one_core, setup_django

TARGET_ACCURACY = "≥ 90 %"
TARGET_LATENCY = "≤ 20 ms"


def _api_p95(rows):
    """p95 in ms of POST /api/v1/categories/suggest/ through Django's whole stack (no network)."""
    import json

    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.create_user("bench-suggest", password=None))
    times = []
    for _code, text in rows:
        began = time.perf_counter()
        response = client.post(URL, json.dumps({"text": text}), content_type="application/json")
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
    return percentile(times, 0.95)


URL = "/api/v1/categories/suggest/"


@benchmark("cases.suggest")
def run(quick=False):
    db = setup_django("cases_suggest")
    pin_to_one_core()
    from civicgrid.cases.categories import load_categories
    from civicgrid.cases.models import Category
    from civicgrid.suggest import actions, corpus, selectors

    load_categories()
    try:
        heldout = corpus.heldout()
    except (FileNotFoundError, ValueError) as problem:
        raise SystemExit(f"cases.suggest: {problem}") from None
    training = {line for lines in corpus.corpus_lines().values() for line in lines}
    shared = [text for _code, text in heldout if text in training]
    if shared:
        raise SystemExit(
            f"cases.suggest: {len(shared)} held-out text(s) also in the training corpus, e.g. {shared[0]!r}"
        )
    majors = {c.code: c.parent.code for c in Category.objects.selectable().select_related("parent")}
    unknown = sorted({code for code, _text in heldout if code not in majors})
    if unknown:
        raise SystemExit(f"cases.suggest: held-out codes that are no selectable minor category: {unknown}")
    if quick:
        heldout = heldout[::4]

    started = time.perf_counter()
    version = actions.train_model(note="bench")
    training_seconds = time.perf_counter() - started

    selectors.suggest("预热")  # loads jieba's dictionary and the model once, as a process does
    selectors.keyword_suggestion("预热")
    top1 = top3 = base_top1 = base_top3 = 0
    latencies, base_latencies = [], []
    per_major = {}
    for code, text in heldout:
        began = time.perf_counter()
        answer = selectors.suggest(text)
        latencies.append((time.perf_counter() - began) * 1000)
        codes = [s.code for s in answer.suggestions]
        right_major = bool(codes) and answer.suggestions[0].major_code == majors[code]
        top1 += right_major
        top3 += code in codes[:3]
        seen = per_major.setdefault(majors[code], [0, 0])
        seen[0] += right_major
        seen[1] += 1
        began = time.perf_counter()
        found = selectors.keyword_suggestion(text)
        base_latencies.append((time.perf_counter() - began) * 1000)
        base_top1 += found.major is not None and found.major.code == majors[code]
        base_top3 += found.minor is not None and found.minor.code == code

    api_p95 = _api_p95(heldout[:200])
    n = len(heldout)
    dataset = (
        f"held-out set: {n} texts in {len(per_major)} major categories{' (every 4th: quick run)' if quick else ''}; "
        f"model {version.label} trained on {version.trained_on['corpus']} corpus texts and "
        f"{version.trained_on['categories']} category texts ({version.trained_on['classes']} minor categories, "
        f"{version.trained_on['features']:,} features), seed {version.seed}"
    )
    details = {
        "training": f"{training_seconds:.1f} s (wall clock)",
        "top-1 major per major category": {m: f"{r}/{t}" for m, (r, t) in sorted(per_major.items())},
        "latency median": f"{percentile(latencies, 0.5):.2f} ms",
        "latency p95 through the API (Django test client, session, JSON in and out)": f"{api_p95:.2f} ms",
    }
    keywords = "keyword rules alone (cases.picker.suggest)"
    return [
        Result(
            "cases.suggest.top1_major",
            100 * top1 / n,
            "%",
            "higher",
            keywords,
            100 * base_top1 / n,
            TARGET_ACCURACY,
            dataset,
            db,
            details,
        ),
        Result(
            "cases.suggest.top3_minor",
            100 * top3 / n,
            "%",
            "higher",
            keywords,
            100 * base_top3 / n,
            TARGET_ACCURACY,
            dataset,
            db,
            details,
        ),
        Result(
            "cases.suggest.latency_p95",
            percentile(latencies, 0.95),
            "ms",
            "lower",
            keywords,
            percentile(base_latencies, 0.95),
            TARGET_LATENCY,
            dataset,
            db,
            details,
        ),
    ]
