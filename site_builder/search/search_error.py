"""The error of the search stage, apart from the stage itself: the command line catches it
on every ``build`` without importing Pagefind's client, which only a build that indexes
needs."""


class SearchIndexError(Exception):
    """Pagefind failed (binary missing or crashed); the build stops, output untouched."""


def never_interrupted() -> bool:
    """The ``interrupted`` of indexing that nothing stops."""
    return False


class SearchInterrupted(Exception):  # noqa: N818 (no error: stopped on purpose)
    """The indexing was stopped because an edit came (``serve``'s rebuild of the whole
    index gives way to the edit): nothing was written, the index is rebuilt later."""
