"""Embedding questions without torch: the ONNX export of the index's own model (made by
`onnx_export.py` when the index was built, stored in its version folder and checksummed in its
manifest), run with onnxruntime, tokenized with `tokenizers`. Both load on first use.

>>> encoder = load_query_encoder(load_index())
>>> encoder.encode(["What is fibromyalgia?"]).shape
(1, 384)
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .errors import CorruptIndexError
from .token_vectors import TokenVectors

# The folder of a version that holds the query model, and its files.
FOLDER = "query_model"
MODEL_FILE = "model.onnx"  # the graph
# The weights, beside the graph (ONNX external data): onnxruntime maps this file instead of copying
# it into each process, so the word-embedding table (23 MB) is only read where a question's tokens
# need it, and the page cache holds one copy for every worker.
WEIGHTS_FILE = "model.onnx.data"
TOKENIZER_FILE = "tokenizer.json"
FILES = (MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE)
OUTPUT = "sentence_embedding"
TOKEN_OUTPUT = "token_embeddings"
OPSET = 17
# Bump when the export changes what the files hold: builds then export again.
# 2: the weights in WEIGHTS_FILE, not inside the graph; 3: the word embeddings in float16; 4: the
# token vectors as a second output.
EXPORT_VERSION = 4


@dataclass(frozen=True)
class QueryModelSpec:
    """What the query side needs to know about an exported model (the manifest's "query_model")."""

    model: str  # the name and fingerprint of the model it was exported from: the index's model
    fingerprint: str
    dimension: int
    max_length: int  # tokens kept per text (the model's max_seq_length); the tokenizer truncates there
    inputs: tuple[str, ...]  # the graph's inputs, in order; each int64 [batch, tokens]
    output: str = OUTPUT  # float32 [batch, dimension], L2-normalised rows
    token_output: str = TOKEN_OUTPUT  # float32 [batch, tokens, dimension], the transformer's, before pooling
    format: str = "onnx"
    opset: int = OPSET
    export_version: int = EXPORT_VERSION

    def to_dict(self) -> dict:
        return {**asdict(self), "inputs": list(self.inputs)}

    @classmethod
    def from_dict(cls, data: dict) -> QueryModelSpec:
        return cls(**{**data, "inputs": tuple(data["inputs"])})


# Where each graph input comes from in a `tokenizers.Encoding`.
_ENCODING_FIELDS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}


class OnnxQueryEncoder:
    """Encodes texts with an exported model, as the sentence-transformers model it came from does
    (cosine ≥ 0.999, tested): L2-normalised float32 rows. Thread-safe; loads on first use.

    One onnxruntime thread per call. A second one makes a bare loop of encodes ~5% faster, but a
    whole ask slower: its spinning worker competes with the rest of the answer for the cores
    (ask p50 ~5 ms with one thread, 8-10 ms with two, on this 2-core machine), and a server
    answers several questions at once anyway.
    """

    def __init__(self, folder: Path, spec: QueryModelSpec, checksums: tuple[str, ...] = ()):
        self.folder = Path(folder)
        self.spec = spec
        self.checksums = checksums  # of FILES: equal checksums, same encoder
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.spec.dimension

    def warm_up(self) -> None:
        """Load the tokenizer and the ONNX session, and run one text through them."""
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3  # errors only
                # No memory arena and no memory-pattern planning: ~26 MB less per process, and a
                # question's tensors are a few KB, so allocating them each time costs nothing.
                options.enable_cpu_mem_arena = False
                options.enable_mem_pattern = False
                options.intra_op_num_threads = 1
                try:
                    tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
                    session = onnxruntime.InferenceSession(
                        str(self.folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as exc:  # onnxruntime raises its own types for a damaged file
                    raise CorruptIndexError(
                        f"the query model in {self.folder} cannot be loaded ({exc}); run: python -m indexer --rebuild"
                    ) from exc
                self._tokenizer, self._session = tokenizer, session
        self.encode(["warm up"])

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings, feed = self._feed(texts)
        (vectors,) = self._session.run([self.spec.output], feed)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """The texts' vectors (as `encode` gives them) and each text's word-piece vectors, from one run."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        encodings, feed = self._feed(texts)
        vectors, tokens = self._session.run([self.spec.output, self.spec.token_output], feed)
        special = self._special_ids
        pieces = [
            TokenVectors.of(e.ids, e.tokens, tokens[i], [t in special or not m for t, m in zip(e.ids, e.attention_mask, strict=True)])
            for i, e in enumerate(encodings)
        ]
        return np.ascontiguousarray(vectors, dtype=np.float32), pieces

    @cached_property
    def _special_ids(self) -> frozenset[int]:
        """The tokenizer's special tokens ([CLS], [SEP], [PAD], [UNK]…): never word pieces (read
        after `_feed`, which loads the tokenizer)."""
        return frozenset(i for i, token in self._tokenizer.get_added_tokens_decoder().items() if token.special)

    def _feed(self, texts: list[str]) -> tuple[list, dict[str, np.ndarray]]:
        if self._session is None:
            self.warm_up()
        # One text (every question) skips the batch path, which pads and may start a thread pool.
        encodings = [self._tokenizer.encode(texts[0])] if len(texts) == 1 else self._tokenizer.encode_batch(list(texts))
        feed = {
            name: np.array([getattr(e, _ENCODING_FIELDS[name]) for e in encodings], dtype=np.int64)
            for name in self.spec.inputs
        }
        return encodings, feed


def load_query_encoder(index, reuse=None) -> OnnxQueryEncoder:
    """The encoder for questions to `index` (an `Index`), warmed up; `reuse` (a loaded encoder) is
    returned instead when it is the same model (same file checksums), so that switching to a new
    version built with the same model costs nothing."""
    files = index.manifest.get("files", {})
    checksums = tuple(files.get(f"{FOLDER}/{name}", "") for name in FILES)
    if reuse is not None and getattr(reuse, "checksums", None) == checksums:
        return reuse
    encoder = OnnxQueryEncoder(index.folder / FOLDER, query_model_spec(index.manifest), checksums)
    encoder.warm_up()
    return encoder


def query_model_spec(manifest: dict) -> QueryModelSpec:
    try:
        return QueryModelSpec.from_dict(manifest["query_model"])
    except (KeyError, TypeError) as exc:
        raise CorruptIndexError(
            f"the index manifest has no usable query model ({exc}); run: python -m indexer --rebuild"
        ) from exc
