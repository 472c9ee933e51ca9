"""Urgency: does a text describe an emergency? (A minimal keyword list; see issue 16 item 4.)"""

from dataclasses import dataclass

TERMS = (
    "燃气泄漏",
    "煤气泄漏",
    "天然气泄漏",
    "闻到煤气",
    "闻到燃气",
    "起火",
    "着火",
    "失火",
    "火灾",
    "冒烟",
    "浓烟",
    "路面塌陷",
    "地面塌陷",
    "塌方",
    "有人被困",
    "被困",
    "触电",
    "漏电",
    "爆炸",
    "溺水",
)


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    terms: tuple = ()


def assess(text):
    """Urgency(urgent, terms found) for a report's text."""
    text = " ".join(str(text or "").split())
    found = tuple(term for term in TERMS if term in text)
    return Urgency(bool(found), found)
