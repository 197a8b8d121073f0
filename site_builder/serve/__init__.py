"""``serve`` = build + watch: the site on localhost, rebuilt on every change.

Input: a site folder. Output: an HTTP server of the last good build under its base path,
with live reload (``serve_assets/``) and an overlay for the diagnostics of a failed build.
The site stays in memory between builds (``resident``): a rebuild parses the edited files
only and makes again only what they touch.
"""
