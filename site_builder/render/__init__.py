"""The render stage: a checked corpus becomes the site's files in memory.

Input: the checked ``Corpus``, its ``SiteIndex`` (who cites what, tags, order) and the
configuration. Output: a stream of ``OutputFile`` values (path → bytes) made through the
Jinja2 theme (``theme/`` here links to the repository's ``templates/``) on every core as
they are written (``forked``); a page whose key did not change since the last build is not
rendered again (``page_keys``). Never validates, never writes.
"""
