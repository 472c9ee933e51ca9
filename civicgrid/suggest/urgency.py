"""Urgency and moderation rules read from a text (issue 16, item 4): plain data, no model.

`assess(text)` says whether a report describes an emergency (gas leak, fire, collapse, someone
trapped…) and which terms matched. A term does not count when a negation stands within a few
characters before it in its clause ("没有燃气泄漏", "不是着火"), when its clause asks or supposes
("是不是着火了", "预防起火", "消防演练", "万一爆炸"), or when a question mark follows it ("着火了吗？"),
unless the same kind of emergency is also stated plainly elsewhere in the text. `moderation_reasons(text)` lists why a neighbourhood-board text should
wait for a moderator: abusive words, a mobile number, an ID-card number or a plate number.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Emergency terms, grouped by what they describe. Every spelling counts alone; the group's first
# term names the group in `Urgency.terms`.
EMERGENCY_TERMS = (
    (
        "燃气泄漏",
        (
            "燃气泄漏",
            "燃气泄露",
            "煤气泄漏",
            "煤气泄露",
            "天然气泄漏",
            "天然气泄露",
            "煤气味",
            "燃气味",
            "闻到煤气",
            "漏气",
        ),
    ),
    ("起火", ("起火", "着火", "失火", "火灾", "冒烟", "浓烟", "烧起来", "火苗")),
    ("路面塌陷", ("路面塌陷", "地面塌陷", "塌陷", "塌了个大坑", "塌了一个大坑", "路塌了", "地陷", "天坑")),
    ("有人被困", ("有人被困", "被困", "困在电梯", "关在电梯里", "电梯困人", "卡在电梯")),
    ("触电", ("触电", "电线掉落", "电线断了", "漏电", "高压线断")),
    ("爆炸", ("爆炸", "炸了", "爆燃")),
    ("溺水", ("溺水", "落水", "掉进河里", "掉河里", "掉进水里")),
    ("人员受伤", ("有人受伤", "昏迷", "晕倒", "流了很多血", "砸伤", "砸到人")),
    ("房屋倒塌", ("倒塌", "垮塌", "墙塌了", "楼塌了")),
)

_SPELLINGS = sorted(((group, word) for group, words in EMERGENCY_TERMS for word in words), key=lambda gw: -len(gw[1]))

# A negation within a few characters before a term cancels it ("没有闻到煤气味").
NEGATIONS = ("没有", "没", "无", "不是", "不会", "不像", "并非", "未", "别")
NEGATION_WINDOW = 4
# A question right after a term ("是不是着火了？", "会不会爆炸吗") makes it a question, not a report.
QUESTION_AFTER = re.compile(r"^[了吗吧呢啊\s]{0,3}[?？]")
QUESTION_BEFORE = (
    "是不是",
    "会不会",
    "有没有",
    "是否",
    "担心",
    "怕",
    "防止",
    "预防",
    "演练",
    "模拟",
    "宣传",
    "如果",
    "万一",
)


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    terms: tuple[str, ...] = ()


def _spans(text):
    """(group, start, end) of every emergency spelling in `text`, longest spelling first at a place."""
    found = []
    taken = set()
    for group, word in _SPELLINGS:
        if word not in text:
            continue
        for match in re.finditer(re.escape(word), text):
            if any(i in taken for i in range(match.start(), match.end())):
                continue
            taken.update(range(match.start(), match.end()))
            found.append((group, match.start(), match.end()))
    return sorted(found, key=lambda f: f[1])


def _clause_start(text, start):
    """Where the clause holding position `start` begins (after the last punctuation mark)."""
    for i in range(start - 1, -1, -1):
        if text[i] in "，,。.；;！!？?\n":
            return i + 1
    return 0


def _stated(text, start, end):
    before = text[max(_clause_start(text, start), start - NEGATION_WINDOW) : start]
    if any(word in before for word in NEGATIONS):
        return False
    clause_before = text[_clause_start(text, start) : start]
    if any(word in clause_before for word in QUESTION_BEFORE):
        return False
    return not QUESTION_AFTER.match(text[end:])


def assess(text):
    """Whether `text` describes an emergency, and the groups of the terms that said so."""
    text = str(text or "")
    groups = []
    for group, start, end in _spans(text):
        if group not in groups and _stated(text, start, end):
            groups.append(group)
    return Urgency(urgent=bool(groups), terms=tuple(groups))


# --- Moderation ------------------------------------------------------------------------------

ABUSIVE_WORDS = (
    "傻逼",
    "傻B",
    "煞笔",
    "sb",
    "脑残",
    "智障",
    "弱智",
    "滚蛋",
    "去死",
    "找死",
    "狗东西",
    "王八蛋",
    "混蛋",
    "贱人",
    "畜生",
    "废物",
    "他妈的",
    "妈的",
    "你妈",
    "草泥马",
    "操你",
    "垃圾东西",
)
_ABUSE = re.compile("|".join(re.escape(word) for word in ABUSIVE_WORDS), re.IGNORECASE)
# Mainland mobile numbers (allowing spaces or dashes as people write them), 18-digit ID numbers and
# plate numbers (province character, a letter, five or six letters/digits).
_PHONE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][\s·.]?[A-HJ-NP-Z0-9]{5,6}",
    re.IGNORECASE,
)

REASONS = {
    "abusive": _("含辱骂或不文明用语"),
    "phone": _("含手机号码"),
    "id_number": _("含身份证号码"),
    "plate": _("含车牌号码"),
}


def moderation_codes(text):
    """The codes (keys of REASONS) why `text` must wait for a moderator; empty: it may show."""
    text = str(text or "")
    codes = []
    # "sb" alone only as a word, so "usb" and "sbx" are not insults.
    abusive = [m for m in _ABUSE.finditer(text) if m.group().lower() != "sb" or _isolated(text, m)]
    if abusive:
        codes.append("abusive")
    if _PHONE.search(text):
        codes.append("phone")
    if _ID_NUMBER.search(text):
        codes.append("id_number")
    if _PLATE.search(text):
        codes.append("plate")
    return codes


def _isolated(text, match):
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def moderation_reasons(text):
    """Why `text` must wait for a moderator, in words (lazy translations); empty: it may show."""
    return [REASONS[code] for code in moderation_codes(text)]
