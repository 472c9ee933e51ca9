"""Idempotency-Key on creating POSTs (Stripe's contract, draft-ietf-httpapi-idempotency-key-header).

The first request with a key inserts a record (committed at once, so concurrent retries see it),
runs, and stores its response. A retry with the same key from the same account:

- same body, first one finished → the stored response again, header `Idempotent-Replayed: true`,
  nothing created;
- same body, first one still running → waits for it (up to API_IDEMPOTENCY_WAIT_SECONDS), then
  answers as above, or 409 `idempotency_in_progress`;
- different body (or another endpoint) → 422 `idempotency_key_reused`.

Server errors (5xx), 409 and 429 answers and exceptions are not stored: the record is removed and the client may retry.
Records older than API_IDEMPOTENCY_TTL_HOURS are purged by the scheduler.
"""

import hashlib
import json
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from civicgrid.api.exceptions import ApiError
from civicgrid.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
POLL_SECONDS = 0.05


def _update_file(digest, upload):
    digest.update(f"{upload.name}|{upload.size}|".encode())
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)


def fingerprint(method, path, data, files=None):
    """SHA-256 over the method, the path and the request's content in a canonical form (field
    order, JSON whitespace and multipart boundaries do not matter; file contents do)."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    if hasattr(data, "lists"):
        items = sorted((k, [str(v) for v in vs]) for k, vs in data.lists())
        digest.update(json.dumps(items, ensure_ascii=False).encode(errors="surrogatepass"))
    else:
        # surrogatepass: a lone surrogate (a JSON escape) must reach the serializer's 400, not fail here.
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, cls=JSONEncoder, default=str)
        digest.update(text.encode(errors="surrogatepass"))
    if files:
        for name in sorted(files.keys()):
            digest.update(f"\n{name}:".encode())
            for upload in files.getlist(name):
                _update_file(digest, upload)
    return digest.hexdigest()


def _replay(record):
    headers = dict(record.headers or {})
    kind = headers.pop("_kind", "raw")
    if kind == "data":
        response = Response(json.loads(bytes(record.body) or b"null"), status=record.status_code)
    else:
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
    for name, value in headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _store(record, response):
    headers = {name: response[name] for name in ("Location",) if response.has_header(name)}
    if isinstance(response, Response) and not getattr(response, "_is_rendered", False):
        headers["_kind"] = "data"
        body = json.dumps(response.data, cls=JSONEncoder, ensure_ascii=False).encode()
        content_type = "application/json"
    else:
        body = bytes(response.content)
        content_type = response.get("Content-Type", "")
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code, body=body, content_type=content_type, headers=headers
    )


def key_of(request):
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError("invalid_idempotency_key", _("Idempotency-Key 最长 255 个可打印字符。"), 400)
    return key


def idempotent(request, owner, body_hash, handler):
    """Run `handler()` once per (owner, Idempotency-Key); see the module docstring."""
    key = key_of(request)
    if key is None or owner is None or not owner.is_authenticated:
        return handler()
    path = request.path[:300]
    deadline = time.monotonic() + settings.API_IDEMPOTENCY_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=key, method=request.method, path=path, body_hash=body_hash
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if existing is None:
                continue  # the first attempt failed and was removed: this one runs it
            if existing.body_hash != body_hash or existing.path != path:
                raise ApiError(
                    "idempotency_key_reused",
                    _("该 Idempotency-Key 已用于另一个请求，请为新请求使用新的键。"),
                    422,
                ) from None
            if existing.status_code is not None:
                return _replay(existing)
            stale = timezone.now() - existing.created_at > timedelta(seconds=settings.API_IDEMPOTENCY_STALE_SECONDS)
            if stale:
                IdempotencyRecord.objects.filter(pk=existing.pk, status_code__isnull=True).delete()
                continue
            if time.monotonic() > deadline:
                raise ApiError(
                    "idempotency_in_progress", _("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"), 409
                ) from None
            time.sleep(POLL_SECONDS)
            continue
        break
    try:
        # What the request creates and the stored answer commit together: a crash in between
        # leaves neither, and the client's retry simply runs again.
        with transaction.atomic():
            response = handler()
            if _keep(response):
                _store(record, response)
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    if not _keep(response):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
    return response


def _keep(response):
    # Answers that say "try again later" are not the request's outcome: the retry runs anew.
    return response.status_code < 500 and response.status_code not in (409, 429)


def purge_expired(now=None):
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
