"""The index's own query model: the sentence-transformers model that embedded the passages,
exported to ONNX (tokenizer, transformer, pooling and normalisation in one graph), so that answering
a question needs onnxruntime and `tokenizers` only, never torch (see `query_encoder.py`).

Exported once per model fingerprint into the index's cache (`cache/onnx/<fingerprint>-v<N>/`) and
linked into every version folder that uses it. Building needs torch (it has it: it embeds with
sentence-transformers).

>>> folder = cached_export(Embedder(), index_dir / "cache" / "onnx")
>>> sorted(p.name for p in folder.iterdir())
['model.onnx', 'model.onnx.data', 'query_model.json', 'tokenizer.json']
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from .query_encoder import (
    EXPORT_VERSION,
    MODEL_FILE,
    OPSET,
    OUTPUT,
    TOKEN_OUTPUT,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    QueryModelSpec,
)

SPEC_FILE = "query_model.json"
# Inputs a sentence-transformers text model may take (its tokenizer says which it does).
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cached_export(embedder, cache: Path) -> Path:
    """The folder holding `embedder`'s model as ONNX, exported into `cache` on first use (atomically:
    a killed export leaves no folder behind that looks finished)."""
    info = embedder.info
    folder = cache / f"{info.fingerprint}-v{EXPORT_VERSION}"
    if (folder / SPEC_FILE).is_file():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".export-", dir=cache))
    partial.chmod(0o755)  # mkdtemp makes it private; the index is not
    try:
        export(embedder, partial)
        if folder.exists():  # a half-made folder from an older program: replace it
            shutil.rmtree(folder)
        os.rename(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def export(embedder, folder: Path) -> QueryModelSpec:
    """Write `embedder`'s model to `folder` as ONNX (the graph, and its weights in a file beside it),
    with its tokenizer set to truncate and pad as sentence-transformers does, and the spec. The graph
    is the whole sentence-transformers pipeline (transformer, the model's own pooling,
    normalisation), so the query side has no pooling code; its second output is the transformer's
    vector of every token, which the pooling averaged (for token matching, `token_vectors.py`)."""
    import onnx
    import torch
    from tokenizers import Tokenizer

    model = embedder.model  # sentence-transformers, loaded on first use
    hf_tokenizer = model.tokenizer
    inputs = tuple(n for n in hf_tokenizer.model_input_names if n in _INPUTS)
    max_length = int(model.max_seq_length)

    tokenizer = Tokenizer.from_str(hf_tokenizer.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=hf_tokenizer.pad_token_id, pad_token=hf_tokenizer.pad_token)
    tokenizer.save(str(folder / TOKENIZER_FILE))

    class Pipeline(torch.nn.Module):
        """The model as a function of positional tensors (what the ONNX exporter traces)."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            out = self.model(dict(zip(inputs, tensors, strict=True)))
            return torch.nn.functional.normalize(out[OUTPUT], p=2.0, dim=1), out["token_embeddings"]

    # Two texts of different lengths, so the trace sees padding and a real attention mask.
    sample = tokenizer.encode_batch(["What is fibromyalgia?", "A longer sample sentence, padded to the batch."])
    fields = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
    tensors = tuple(torch.tensor([getattr(e, fields[n]) for e in sample], dtype=torch.int64) for n in inputs)
    axes = {n: {0: "batch", 1: "tokens"} for n in inputs} | {OUTPUT: {0: "batch"}, TOKEN_OUTPUT: {0: "batch", 1: "tokens"}}
    with torch.no_grad(), warnings.catch_warnings():
        # The exporter warns about the tracing it is asked to do (legacy exporter, Python branches
        # taken at trace time); the parity test is what says the graph is right.
        warnings.simplefilter("ignore")
        # dynamo=False: the TorchScript exporter traces this model as it is; the dynamo one needs
        # torch.export to handle transformers' attention-mask code, which is slower and less stable.
        traced = folder / f"{MODEL_FILE}.traced"
        torch.onnx.export(
            Pipeline().eval(),
            tensors,
            str(traced),
            input_names=list(inputs),
            output_names=[OUTPUT, TOKEN_OUTPUT],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    graph = onnx.load(str(traced))
    half_precision_lookup_table(graph)
    # The weights go to their own file, which onnxruntime maps rather than copies (query_encoder.py).
    onnx.save_model(
        graph,
        str(folder / MODEL_FILE),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=WEIGHTS_FILE,
    )
    (folder / WEIGHTS_FILE).chmod(0o644)  # onnx writes it private; the index is not
    traced.unlink()
    spec = QueryModelSpec(
        model=embedder.info.name,
        fingerprint=embedder.info.fingerprint,
        dimension=int(model.get_embedding_dimension()),
        max_length=max_length,
        inputs=inputs,
        output=OUTPUT,
        token_output=TOKEN_OUTPUT,
        opset=OPSET,
        export_version=EXPORT_VERSION,
    )
    (folder / SPEC_FILE).write_text(json.dumps(spec.to_dict(), indent=2), encoding="utf-8")
    return spec


def half_precision_lookup_table(model) -> None:
    """Store the largest table the graph looks rows up in (the word embeddings, vocabulary ×
    dimension: half the weights) as float16, cast to float32 right after the lookup. Each question
    reads a few rows of it, from the mapped file, where a page fault maps the neighbouring pages
    too: halving the table halves what a worker's RSS can grow by as visitors use more of the
    vocabulary. Vectors move by less than 1e-6 in cosine (the parity test holds them to 0.999)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    tables = {t.name: t for t in graph.initializer}
    lookups = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in tables]
    if not lookups:
        return
    lookup = max(lookups, key=lambda n: int(np.prod(tables[n.input[0]].dims)))
    table = tables[lookup.input[0]]
    table.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), table.name))
    rows = lookup.output[0]
    lookup.output[0] = f"{rows}/float16"
    cast = helper.make_node("Cast", [lookup.output[0]], [rows], to=TensorProto.FLOAT, name=f"{lookup.name}/to_float32")
    graph.node.insert(list(graph.node).index(lookup) + 1, cast)


def read_spec(folder: Path) -> QueryModelSpec:
    return QueryModelSpec.from_dict(json.loads((folder / SPEC_FILE).read_text(encoding="utf-8")))
