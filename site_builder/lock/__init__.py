"""``citations.lock`` (SPEC §5): every cited paragraph's text as the editor checked it.

Input: the corpus and the lock file. Output: stale citations and moved anchors as
diagnostics (``stale``, run by every check), and the commands that settle the lock after a
source changed (``lock``/``review``, ``reanchor``), never accepting a change the editor was
not shown.
"""
