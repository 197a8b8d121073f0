"""The error of the search stage, apart from the stage itself: the command line catches it
on every ``build`` without importing Pagefind's client, which only a build that indexes
needs."""


class SearchIndexError(Exception):
    """Pagefind failed (binary missing or crashed); the build stops, output untouched."""
