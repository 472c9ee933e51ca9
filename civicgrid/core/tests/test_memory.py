"""civicgrid.core.memory: freed heap pages go back to the operating system."""

from pathlib import Path

from civicgrid.core import memory


def _rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_release_returns_what_python_freed():
    # 64 MB of 16 kB blocks, each followed by a small block that stays: the freed blocks are holes
    # inside the C heap (not at its top), which glibc keeps until malloc_trim.
    pairs = [(bytearray(16_384), bytearray(600)) for _ in range(4_000)]
    kept = [small for _big, small in pairs]
    del pairs
    before = _rss_kb()
    memory.release()
    assert _rss_kb() < before - 30_000  # over 30 MB handed back
    assert len(kept) == 4_000


def test_release_twice_is_harmless():
    memory.release()
    memory.release()
