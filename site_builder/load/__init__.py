"""The load stage: a site folder becomes the typed, immutable corpus.

Input: the site folder (``site.yaml``, ``content/``, ``briefs/``, ``pages/``). Output:
``SiteConfig`` (``config``), the ``Corpus`` of sources, briefs and site pages (``load``,
with the values of ``model``) and the diagnostics of every file that could not be read
as written. Each file is parsed once, here, Markdown bodies included (``markdown_html``);
the build cache lets a file whose bytes did not change skip parsing (``document_cache``).
Reads files, never writes them.
"""
