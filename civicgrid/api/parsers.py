"""The API's JSON parser: DRF's, with a nesting limit (civicgrid.core.safejson)."""

import io
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from civicgrid.core import safejson

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JSONParser(parsers.JSONParser):
    """Refuses JSON nested deeper than settings.API_JSON_MAX_DEPTH with a 400, before decoding it
    (Python's decoder recurses once per level and fails with RecursionError, a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)  # text encodings only (no bz2_codec bombs)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(_("请求内容不是有效的 %(encoding)s 文本。") % {"encoding": encoding}) from None
        try:
            safejson.check_depth(text, settings.API_JSON_MAX_DEPTH)
        except safejson.TooDeep:
            raise ParseError(_("JSON 嵌套超过 %(depth)s 层。") % {"depth": settings.API_JSON_MAX_DEPTH}) from None
        data = super().parse(io.BytesIO(text.encode("utf-8")), media_type, {**parser_context, "encoding": "utf-8"})
        if SURROGATE_ESCAPE.search(text):
            try:
                # A lone surrogate (\ud800) decodes to a str no database or encoder accepts.
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(_("JSON 含有无效的 Unicode 代理字符。")) from None
        return data
