"""The indexer: turns corpus/ into a verified, atomically published retrieval index.

>>> from indexer import build_corpus_index, load_index
>>> build_corpus_index()          # corpus/ -> index/
>>> index = load_index()          # the live version, verified
>>> load_query_encoder(index).encode(["What is fibromyalgia?"])   # questions, without torch
"""

from .build import BuildSummary, build_corpus_index, build_index, passage_embedding_text
from .embedding import Embedder, model_info
from .errors import (
    BadFileError,
    BuildLockedError,
    CorpusError,
    CorruptIndexError,
    FormatVersionError,
    IndexerError,
    IndexLoadError,
    ModelMismatchError,
    NoIndexError,
)
from .lexical import tokenize
from .loading import load_index
from .paths import default_corpus_dir, default_index_dir
from .query_encoder import OnnxQueryEncoder, QueryModelSpec, load_query_encoder
from .records import Article, Chunk, Document, Location, Sentence
from .settings import ChunkerSettings, IndexSettings
from .storage import Index

__all__ = [
    "Article",
    "BadFileError",
    "BuildLockedError",
    "BuildSummary",
    "Chunk",
    "ChunkerSettings",
    "CorpusError",
    "CorruptIndexError",
    "Document",
    "Embedder",
    "FormatVersionError",
    "Index",
    "IndexLoadError",
    "IndexSettings",
    "IndexerError",
    "Location",
    "ModelMismatchError",
    "NoIndexError",
    "OnnxQueryEncoder",
    "QueryModelSpec",
    "Sentence",
    "build_corpus_index",
    "build_index",
    "default_corpus_dir",
    "default_index_dir",
    "load_index",
    "load_query_encoder",
    "model_info",
    "passage_embedding_text",
    "tokenize",
]
