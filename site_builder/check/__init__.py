"""The check stage: cross-document checks once the whole corpus is loaded.

Input: the loaded ``Corpus``. Output: diagnostics (citations resolve, quotes stand in the
cited paragraphs, omissions keep the meaning, every brief is sourced, ids and URLs are
unique). Never renders and never imports Jinja2; what it accepts, render may assume.
With the build cache each brief's problems are kept by exactly what they read
(``check_cache``) and the site-wide checks run over small per-file ``summaries``, so a
check after an edit re-checks what the edit touched (``site_check``, ``quick_check``).
"""
