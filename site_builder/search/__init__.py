"""The search stage: what readers can search, as Pagefind's bundle.

Input: the ``SiteIndex`` and the site's URLs. Output: search records and the ``pagefind/``
files of the bundle (``OutputFile`` values), made in-process and byte-identical between
builds.
"""
