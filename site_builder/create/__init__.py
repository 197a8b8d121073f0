"""Commands that make new files in a site: ``new`` (a brief), ``init`` (a whole site from
the starter) and ``import`` (a source from a saved article)."""
