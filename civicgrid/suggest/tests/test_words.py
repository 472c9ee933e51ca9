"""The memory-mapped dictionary (suggest.words) segments exactly as jieba's own dictionary does, is
written whole or not at all, and falls back to jieba's dictionary when it cannot be built."""

import os
from pathlib import Path

import jieba
import pytest

from civicgrid.suggest import classifier, words

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def fresh(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(words, "_tokenizer", None)
    yield tmp_path
    words._tokenizer = None


def corpus():
    texts = [line.split("\t", 1)[1].strip() for line in (DATA / "heldout.tsv").read_text().splitlines() if "\t" in line]
    for path in sorted((DATA / "train").glob("*.txt")):
        texts.extend(
            line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
        )
    return texts


def test_the_trie_segments_the_corpus_exactly_as_jieba_does(fresh):
    reference = jieba.Tokenizer()
    reference.initialize()
    mapped = words.tokenizer()
    assert isinstance(mapped.FREQ, words.Frequencies)
    texts = corpus()
    assert len(texts) > 500
    for text in texts:
        for run in classifier.KEEP.findall(classifier.normalise(text)):
            assert mapped.lcut(run) == reference.lcut(run), run
    assert mapped.total == reference.total
    assert len(mapped.FREQ) == len(reference.FREQ) + 1  # and the total's own key


def test_the_file_is_built_once_readable_by_all_and_left_whole(fresh):
    words.tokenizer()
    built = list((fresh / "suggest").iterdir())
    assert [path.name for path in built] == [words.trie_path().name]
    assert oct(os.stat(built[0]).st_mode & 0o777) == "0o644"
    modified = built[0].stat().st_mtime_ns
    words._tokenizer = None
    words.tokenizer()  # a second process maps the file it finds
    assert built[0].stat().st_mtime_ns == modified


def test_a_failed_build_falls_back_to_jiebas_dictionary(fresh, settings, caplog):
    blocked = fresh / "not-a-directory"
    blocked.write_text("")
    settings.VAR_DIR = blocked  # the child cannot create var/suggest/ under a file
    tokenizer = words.tokenizer()
    assert isinstance(tokenizer.FREQ, dict)
    assert tokenizer.lcut("小区门口路灯坏了") == jieba.Tokenizer().lcut("小区门口路灯坏了")
    assert "NotADirectoryError" in caplog.text


def test_frequencies_answer_like_jiebas_dict(fresh):
    freq = words.tokenizer().FREQ
    assert "路灯" in freq and freq["路灯"] > 0 and freq.get("路灯") == freq["路灯"]
    assert "路" in freq  # a prefix of words is present, as in jieba's prefix dict
    assert "路灯坏了晚上" not in freq and freq.get("路灯坏了晚上", 7) == 7
    with pytest.raises(KeyError):
        freq["路灯坏了晚上"]
