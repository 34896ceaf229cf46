"""Build settings with their defaults, in one place. They are recorded in the manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ChunkerSettings:
    # Passages hold whole sentences of one section, up to max_words words (a single longer
    # sentence makes a passage of its own). Chosen on the dev half of the gold set with
    # `python -m eval tune` (eval/reports/tune.md): 90 tied with 180 and beat 60 and 120.
    max_words: int = 90
    # A passage that would end mid-paragraph closes at the paragraph boundary instead once it
    # holds this share of max_words.
    paragraph_break_share: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


# Bump when a change to reading, segmenting, dedup or chunking changes what gets indexed: it is
# part of what an index was built from, so the next `python -m indexer` rebuilds instead of
# keeping an index made by the old code.
PIPELINE_VERSION = 3


@dataclass(frozen=True)
class IndexSettings:
    chunker: ChunkerSettings = ChunkerSettings()
    # "flat" (exact IndexFlatIP) suits small corpora; "hnsw" for large ones.
    faiss_type: str = "flat"
    embed_batch_size: int = 64

    def to_dict(self) -> dict:
        return {"chunker": self.chunker.to_dict(), "faiss_type": self.faiss_type, "pipeline": PIPELINE_VERSION}
