"""Giving freed memory back (``heap.release_freed_memory``) never disturbs what is alive."""

from __future__ import annotations

from site_builder.heap import release_freed_memory


def test_releasing_freed_memory_leaves_live_objects_as_they_were() -> None:
    kept = [bytes([n % 256]) * 20_000 for n in range(200)]
    freed = [b"x" * 20_000 for _ in range(200)]
    del freed
    release_freed_memory()
    release_freed_memory()  # nothing left to give: still harmless
    assert all(block == bytes([n % 256]) * 20_000 for n, block in enumerate(kept))
