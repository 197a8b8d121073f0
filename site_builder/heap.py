"""Giving memory that Python freed back to the operating system.

Python hands blocks larger than 512 bytes (a file's pickled load result, a paragraph's
text) to the C library's ``malloc``; its small objects live in arenas of their own, mapped
apart from that heap. glibc returns freed heap memory only from the top of the heap, so
when loading frees each file's pickle as it unpacks it, the freed blocks stay resident and
the small objects of the documents cannot reuse them: at 20,000 pages the ~240 MB of
pickles stayed resident under the documents until the load ended, and every forked render
worker counted them again. ``malloc_trim`` gives every free page of the heap back.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system, where the C library can (glibc);
    elsewhere nothing happens. Costs a walk over the heap's free blocks: call it after
    freeing much, not per object."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    # Imported here: a run that loads a file or two never trims.
    import ctypes  # noqa: PLC0415

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the process's own libc
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim
