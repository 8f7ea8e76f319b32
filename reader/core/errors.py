"""Errors a user can run into, each with a message fit to show as it is."""

from __future__ import annotations


class ReaderError(Exception):
    """Base class of every error Reader reports to the user."""


class ImportFailed(ReaderError):
    """A file could not be imported; the message says why in plain words.

    Importers raise only this. The library is left exactly as it was for that file.
    """


class QueryError(ReaderError):
    """A search query could not be understood."""


class IndexBusyError(ReaderError):
    """Another Reader process holds the search index's write lock."""


class IndexNotReady(ReaderError):
    """The search index does not exist yet (it is being built)."""


class DocumentNotFound(ReaderError):
    """No document has the requested id."""


class LibraryError(ReaderError):
    """The library on disk cannot be used (newer schema, unreadable database...)."""


class DownloadCancelled(ImportFailed):
    """The user cancelled a download; nothing of it was kept."""
