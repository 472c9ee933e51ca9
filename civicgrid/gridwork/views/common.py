import json

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse

from civicgrid.accounts.scopes import scope_codes

BODY_MAX = 256 * 1024


def json_body(request):
    if len(request.body) > BODY_MAX:
        raise ValidationError("too large")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("bad json") from None
    if not isinstance(data, dict):
        raise ValidationError("bad json")
    return data


def error_json(error, status=400):
    if hasattr(error, "message_dict"):
        messages = [m for values in error.message_dict.values() for m in values]
    else:
        messages = list(error.messages)
    return JsonResponse({"ok": False, "error": " ".join(messages)}, status=status)


def holds(request, permission):
    codes = scope_codes(request.user, permission)
    if codes is not None and not codes:
        raise Http404


def map_settings():
    """The map's tile source (none on an intranet without a tile server: a plain background)."""
    from django.conf import settings

    return {"tileUrl": settings.MAP_TILE_URL, "tileAttribution": settings.MAP_TILE_ATTRIBUTION}
