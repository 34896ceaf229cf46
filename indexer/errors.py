"""Errors the indexer raises, each written for the person who hits it: what, where, what to do."""


class IndexerError(Exception):
    """Base class: every indexer error carries a message fit to show a user as it is."""


class CorpusError(IndexerError):
    """The corpus folder or one of its files cannot be indexed."""


class BadFileError(CorpusError):
    """One corpus file is not usable text (not UTF-8, empty, binary, too large)."""

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(
            f"{file}: {problem}. Fix or remove the file, or pass --skip-bad-files to index the rest."
        )


class BuildLockedError(IndexerError):
    """Another build holds the index lock."""


class IndexLoadError(IndexerError):
    """The live index cannot be opened; the message says how to fix it."""


class NoIndexError(IndexLoadError):
    pass


class CorruptIndexError(IndexLoadError):
    pass


class FormatVersionError(IndexLoadError):
    pass


class ModelMismatchError(IndexLoadError):
    pass
