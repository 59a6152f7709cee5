"""The one exception hierarchy of dkg; the CLI turns each into one line."""

__all__ = [
    "DkgError", "InputError", "StoreError", "StoreLockedError", "QueryError",
    "ValidationFailed", "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_VIOLATIONS",
    "EXIT_PARTIAL",
]

#: Exit codes of the ``dkg`` command.
EXIT_OK = 0          # success
EXIT_ERROR = 1       # expected failure: bad input, unknown query, missing store
EXIT_USAGE = 2       # bad command line (click's own code)
EXIT_VIOLATIONS = 3  # ``dkg validate`` found violations
EXIT_PARTIAL = 4     # ``dkg build``: some inputs failed, the others went in


class DkgError(Exception):
    """Base of every error dkg raises on purpose; its message is one line."""

    exit_code = EXIT_ERROR


class InputError(DkgError):
    """An input (article file, JSON line, sidecar, parameter) cannot be read."""


class StoreError(DkgError):
    """The store is missing, unreadable, not a store, or not writable."""


class StoreLockedError(StoreError):
    """Another process holds the store for writing."""


class QueryError(DkgError):
    """A query is unknown, malformed, or given a bad parameter."""


class ValidationFailed(DkgError):
    """SHACL or the reasoner found violations."""

    exit_code = EXIT_VIOLATIONS
