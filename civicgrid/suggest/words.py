"""jieba's dictionary as a compact, memory-mapped trie, for the category model's word features.

jieba keeps its prefix dictionary (349,046 words and every prefix of them, with their frequencies)
as a Python dict: about 62 MB in every process that segments a text — every web worker that answers
a category suggestion. Here the same entries, built by jieba's own `gen_pfdict`, are saved once as a
marisa-trie RecordTrie (about 2 MB on disk) and memory-mapped: the page cache holds one copy for all
workers, and a worker's resident set grows by the few pages its lookups touch. The segmentation is
the same word for word (tests/suggest compare it with jieba's own on the corpus), so the trained
models keep their features.

The file is built in a child process (`python -m civicgrid.suggest.words PATH`) the first time a
process needs it, so the serving process never holds the dict, even briefly; it is written to a
temporary name and renamed, so concurrent builders cannot leave half a file. If it cannot be built
(a read-only var directory, say), the tokenizer falls back to jieba's own dictionary and logs why.
"""

import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

FORMAT = "<Q"  # one unsigned 64-bit frequency per key
TOTAL_KEY = "\ttotal"  # no dictionary word holds a tab
_lock = threading.Lock()
_tokenizer = None


class Frequencies:
    """The dict-like view jieba's Tokenizer reads (`frag in FREQ`, `FREQ[frag]`, `FREQ.get`)."""

    __slots__ = ("trie",)

    def __init__(self, trie):
        self.trie = trie

    def __contains__(self, fragment):
        return fragment in self.trie

    def __getitem__(self, fragment):
        found = self.trie.get(fragment)
        if not found:
            raise KeyError(fragment)
        return found[0][0]

    def get(self, fragment, default=None):
        found = self.trie.get(fragment)
        return found[0][0] if found else default

    def __len__(self):
        return len(self.trie)


def trie_path():
    """Where the trie lives: var/suggest/, named for jieba's version and its dictionary's size."""
    import jieba
    from django.conf import settings

    size = os.path.getsize(Path(jieba.__file__).with_name("dict.txt"))
    return Path(settings.VAR_DIR) / "suggest" / f"jieba-{jieba.__version__}-{size}.marisa"


def build(path):
    """Write the trie of jieba's default dictionary to `path` (atomically)."""
    import jieba
    import marisa_trie

    with open(Path(jieba.__file__).with_name("dict.txt"), "rb") as source:
        frequencies, total = jieba.Tokenizer.gen_pfdict(source)
    entries = [(word, (freq,)) for word, freq in frequencies.items()]
    entries.append((TOTAL_KEY, (total,)))
    trie = marisa_trie.RecordTrie(FORMAT, entries)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    os.close(handle)
    try:
        trie.save(temporary)
        os.chmod(temporary, 0o644)  # read by every worker, whoever built it
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _load(path):
    import jieba
    import marisa_trie

    if not path.exists():
        built = subprocess.run(
            [sys.executable, "-m", "civicgrid.suggest.words", str(path)], capture_output=True, text=True, timeout=300
        )
        if built.returncode:
            raise OSError(f"building {path} failed: {built.stderr.strip().splitlines()[-1:]}")
    trie = marisa_trie.RecordTrie(FORMAT)
    trie.mmap(str(path))
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = Frequencies(trie)
    tokenizer.total = trie[TOTAL_KEY][0][0]
    tokenizer.initialized = True
    return tokenizer


def tokenizer():
    """The process's tokenizer on the memory-mapped trie (jieba's own dictionary if it cannot be had)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                try:
                    _tokenizer = _load(trie_path())
                except (OSError, subprocess.SubprocessError, ValueError) as error:
                    logger.warning("jieba's dictionary trie is unavailable (%s); using jieba's own dictionary", error)
                    fallback = jieba.Tokenizer()
                    fallback.initialize()
                    _tokenizer = fallback
    return _tokenizer


if __name__ == "__main__":
    build(sys.argv[1])
