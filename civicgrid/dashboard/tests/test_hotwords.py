"""Hot words: problems, not places, common words or residents' names."""

from civicgrid.dashboard import hotwords


def test_place_stems_cover_what_residents_write():
    assert hotwords.place_stems("荣华南社区第1网格") == {"荣华南社区第1网格", "荣华南", "荣华"}
    assert {"建中街街道", "建中"} <= hotwords.place_stems("建中街街道")
    assert "幸福" in hotwords.place_stems("幸福1号小区")
    assert "正商东" in hotwords.place_stems("正商东社区") and "正商" in hotwords.place_stems("正商东社区")
    assert hotwords.place_stems("") == set()


def test_count_terms_keeps_problems_and_drops_places_names_and_filler():
    texts = [
        "荣华南社区3号楼门口的路灯坏了，晚上很黑，王奶奶反映好几天了",
        "正商东社区路边的垃圾没人清运，希望尽快处理",
        "康桥西社区楼下饭店噪音扰民，晚上睡不着",
        "幸福1号小区的路灯坏了",
    ]
    places = hotwords.place_words(["荣华南社区", "正商东社区", "康桥西社区", "幸福1号小区"])
    counts = hotwords.count_terms(texts, places)
    assert counts["路灯"] == 2
    assert counts["垃圾"] == 1 and counts["噪音"] == 1
    for word in ("荣华", "荣华南", "正商东", "康桥", "幸福", "社区", "王奶奶", "希望", "反映", "晚上"):
        assert word not in counts, word


def test_each_text_counts_a_word_once():
    assert hotwords.count_terms(["路灯路灯路灯坏了"])["路灯"] == 1
