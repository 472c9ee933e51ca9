"""JSON from outside, parsed with a nesting limit.

Python's json module recurses once per level: `{"a":` × 5,000 raises RecursionError (not a
ValueError), which every caller would have to know about, and deep input costs stack and time.
`check_depth` counts the nesting of a JSON text in one linear pass (string literals removed first,
so brackets inside strings do not count) and refuses anything deeper than `max_depth` before the
decoder sees it.
"""

import json
import re

MAX_DEPTH = 32  # CivicGrid's bodies are at most a few levels deep (GeoJSON MultiPolygon: 4)

# A JSON string literal (the "unrolled loop" form: linear, no nested repetition).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """The text nests deeper than allowed (a ValueError, like every other malformed JSON)."""


def check_depth(text, max_depth=MAX_DEPTH):
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    opening = text.count("[") + text.count("{")
    if opening <= max_depth:
        return  # cannot nest deeper than the number of its brackets
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise TooDeep(f"JSON nested deeper than {max_depth} levels")
        else:
            depth -= 1


def loads(text, max_depth=MAX_DEPTH, **kwargs):
    """json.loads with a nesting limit; malformed or too deep input raises ValueError."""
    check_depth(text, max_depth)
    return json.loads(text, **kwargs)
