"""The write path: train a model version, make a version active (restore an older one), and the
scheduled retraining."""

import time

from django.db import transaction
from django.utils import timezone

from civicgrid.core import changelog
from civicgrid.core.models import ObjectChange
from civicgrid.suggest import classifier, conf, corpus, engine
from civicgrid.suggest.models import ModelVersion


class NothingToTrain(Exception):
    pass


def _label(at):
    base = at.strftime("%Y%m%d-%H%M%S")
    label, n = base, 1
    while ModelVersion.objects.filter(label=label).exists():
        n += 1
        label = f"{base}-{n}"
    return label


def train_model(user=None, *, activate=True, directory=None, note="", seed=None):
    """Train a new version from the corpus, the categories and the closed cases; store it (and make it
    the active one unless activate=False). Training runs outside the transaction that stores it."""
    seed = conf.get("SUGGEST_SEED") if seed is None else seed
    samples = corpus.gather(directory)
    if len(set(samples.labels)) < 2:
        raise NothingToTrain("no categories to train on")
    started = time.monotonic()
    model = classifier.train(samples.texts, samples.labels, seed=seed)
    seconds = round(time.monotonic() - started, 2)
    trained_on = {
        "corpus": samples.counts.get("corpus", 0),
        "categories": samples.counts.get("categories", 0),
        "cases": samples.counts.get("cases", 0),
        "classes": len(model.classes),
        "features": len(model.vocabulary),
        "digest": samples.digest(),
    }
    return store(
        model, user, trained_on=trained_on, metrics={"seconds": seconds}, activate=activate, note=note, seed=seed
    )


@transaction.atomic
def store(model, user=None, *, trained_on=None, metrics=None, activate=True, note="", seed=classifier.SEED):
    at = timezone.now()
    version = ModelVersion.objects.create(
        label=_label(timezone.localtime(at)),
        created_at=at,
        created_by=user if user is not None and user.is_authenticated else None,
        trained_on=trained_on or {},
        metrics=metrics or {},
        weights=model.to_bytes(),
        seed=seed,
        note=note[:200],
    )
    changelog.record_change(
        user, version, ObjectChange.Action.CREATE, after={"label": version.label, "trained_on": version.trained_on}
    )
    if activate:
        activate_version(version, user)
    return version


@transaction.atomic
def activate_version(version, user=None, note=""):
    """Make `version` the one every process answers with (restoring an older version is this too);
    the previous active one is deactivated in the same transaction."""
    # Every version row locked, in one order: two activations at once run one after the other, and
    # the second sees (and deactivates) what the first made active. The rows are few; no weights read.
    list(ModelVersion.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    version = ModelVersion.objects.defer("weights").get(pk=version.pk)
    if version.is_active:
        return version
    previous = ModelVersion.objects.defer("weights").filter(is_active=True).first()
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
        changelog.record_change(
            user, previous, ObjectChange.Action.UPDATE, {"is_active": True}, {"is_active": False}, note
        )
    version.is_active = True
    version.activated_at = timezone.now()
    version.save(update_fields=["is_active", "activated_at"])
    changelog.record_change(user, version, ObjectChange.Action.UPDATE, {"is_active": False}, {"is_active": True}, note)
    engine.forget()
    transaction.on_commit(engine.forget)
    return version


@transaction.atomic
def deactivate_all(user=None, note=""):
    """No active version: the keyword rules answer (an operator's way back when every model is bad)."""
    for version in ModelVersion.objects.select_for_update().defer("weights").filter(is_active=True):
        version.is_active = False
        version.save(update_fields=["is_active"])
        changelog.record_change(
            user, version, ObjectChange.Action.UPDATE, {"is_active": True}, {"is_active": False}, note
        )
    engine.forget()
    transaction.on_commit(engine.forget)


def retrain_if_changed():
    """The scheduled job: train a new version when the closed cases (a dispatcher's correction
    included), the corpus or the categories changed since the active version was trained (their
    fingerprint differs); otherwise do nothing."""
    digest = corpus.gather().digest()
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None and active.trained_on.get("digest") == digest:
        return f"model {active.label} is up to date"
    try:
        version = train_model(note="scheduled")
    except NothingToTrain:
        return "nothing to train on"
    return f"trained {version.label} on {version.trained_on}"
