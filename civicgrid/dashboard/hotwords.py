"""Hot words (热词) of residents' texts: the problems they talk about, not the places they live in.

jieba segments the texts with part-of-speech tags. A word counts when it is a noun, a verbal noun or
a verb of two characters or more, and it is neither

- a place: the names of the district's regions and compounds (registered with jieba as whole words,
  together with their stems: 荣华南社区 → 荣华南, 荣华), nor a word jieba tags as a place (ns),
  organisation (nt) or person's name (nr: a hot word must never name a resident), nor
- a common word of reports (STOPWORDS: 问题, 反映, 社区, 网格…).

So the top words of a district read 路灯, 垃圾, 噪音, 井盖 — things a department can act on.
"""

import re
import threading
from collections import Counter

# Parts of speech that carry a problem (jieba's ICTCLAS tags): nouns, other proper nouns (nz), verbal
# nouns (vn), verbs (v), nominal adjectives (an) and idioms (l, i: 乱扔乱放, 私搭乱建).
KEEP = {"n", "nz", "vn", "v", "an", "l", "i"}
WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")
# Suffixes of region and compound names; a name's stem is what remains (荣华南社区第1网格 → 荣华南).
SUFFIX = re.compile(
    r"(第[0-9一二三四五六七八九十]+网格|[0-9]+号楼院微网格|微网格|网格|社区居委会|居委会|社区|街道办事处|街道|办事处"
    r"|街|[0-9]+号小区|小区|花园|家园|公寓|院落|大院|[0-9]+号院|院|镇|乡|村|区|县|市)$"
)
DIRECTION = "东西南北中"

COMMON_WORDS = """
    我们 你们 他们 这个 那个 一个 没有 什么 怎么 已经 还是 就是 可以 现在 时候 问题 情况 希望 请求 反映 进行
    处理 解决 相关 部门 居民 小区 附近 这里 那里 一下 目前 一直 不是 因为 所以 但是 如果 而且 非常 还有 出现
    存在 导致 影响 需要 能够 及时 尽快 谢谢 麻烦 里面 旁边 门口 今天 昨天 每天 好几 几天 社区 街道 网格 区域
    楼院 单元 楼栋 号楼 业主 住户 群众 市民 师傅 同志 领导 工作人员 有人 大家 看到 发现 知道 觉得 感觉 告诉
    说明 表示 要求 建议 投诉 举报 上报 联系 协调 落实 无法 过去 回来 出来 起来 下来 上去 东西 地方 事情 时间 位置
    晚上 早上 上午 下午 中午 凌晨 夜里 每次 经常 一些 这些 那些 整个 周边 对面 后面 前面 路口 楼下 楼上
"""
STOPWORDS = frozenset(COMMON_WORDS.split())

_lock = threading.Lock()
_registered = set()


def place_stems(name):
    """The forms of a place name that residents write: the name, its stem, the stem without a direction."""
    name = (name or "").strip()
    forms = {name}
    stem = name
    while True:
        shorter = SUFFIX.sub("", stem)
        if shorter == stem or not shorter:
            break
        stem = shorter
    forms.add(stem)
    if len(stem) > 2 and stem[-1] in DIRECTION:
        forms.add(stem[:-1])
    return {form for form in forms if len(form) >= 2}


def place_words(names):
    words = set()
    for name in names:
        words |= place_stems(name)
    return words


def _register(words):
    """Teach jieba the place words once per process, so 荣华南社区 is one token, not 荣华 + 南 + 社区."""
    import jieba

    new = words - _registered
    if not new:
        return
    with _lock:
        for word in sorted(new - _registered):
            jieba.add_word(word, freq=100000, tag="ns")
        _registered.update(new)


def count_terms(texts, places=()):
    """Counter of hot words over `texts`, each text counting a word once."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    places = set(places)
    _register(places)
    counts = Counter()
    for text in texts:
        words = set()
        for pair in pseg.cut(text or "", HMM=False):
            word, flag = pair.word, pair.flag
            if flag not in KEEP or not WORD.match(word):
                continue
            if word in STOPWORDS or word in places:
                continue
            words.add(word)
        counts.update(words)
    return counts
