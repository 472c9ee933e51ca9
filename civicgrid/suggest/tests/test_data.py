"""The shipped corpus and held-out set: well formed, and no held-out text is ever trained on."""

import pytest

from civicgrid.suggest import conf, corpus

from .conftest import FIXTURE_TRAIN


def test_no_heldout_text_is_in_the_training_corpus(settings):
    del settings.SUGGEST_TRAIN_DIR  # the shipped corpus, not the tests' own
    training = {line for lines in corpus.corpus_lines().values() for line in lines}
    path = conf.get("SUGGEST_HELDOUT_FILE")
    if not path.is_file():
        pytest.skip(f"{path} is not in this checkout yet")  # the benchmark itself refuses to run without it
    shared = [text for _code, text in corpus.heldout() if text in training]
    assert shared == [], f"held-out texts also in the training corpus: {shared[:5]}"


def test_a_missing_heldout_set_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="held-out set"):
        corpus.heldout(tmp_path / "heldout.tsv")
    (tmp_path / "bad.tsv").write_text("01008 no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="minor_code<TAB>text"):
        corpus.heldout(tmp_path / "bad.tsv")


def test_the_fixture_corpus_reads_one_text_a_line():
    lines = corpus.corpus_lines(FIXTURE_TRAIN)
    assert set(lines) == {"01008", "06005", "06010", "08001", "09004", "10003"}
    assert all(len(texts) == 8 for texts in lines.values())
