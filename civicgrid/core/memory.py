"""Handing freed memory back to the operating system.

Building something large and short-lived in a web process (the spatial index's raster, a workbook
read) raises the C heap's high-water mark, and glibc keeps those pages after Python frees the
objects: the worker's resident size stays at its peak for the rest of its life. `release()` asks
glibc to return what is free (malloc_trim(0)); elsewhere (musl, macOS) it does nothing.
"""

import ctypes
import ctypes.util
import functools

__all__ = ["release"]


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release():
    """Return freed heap pages to the operating system where the C library allows it. Cheap
    (a few milliseconds); call it after building something big, not per request."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
