"""Performance on this machine, in one run: answer latency by stage against a bare
sentence-transformers encode, index build time against a bare encode of the same texts, cold start
and peak memory of `chatbot ask` against a bare process that loads sentence-transformers and
encodes the same question, and the real server (POST /api/ask) under 1, 8 and 32 concurrent
clients, with its start time, first answer and memory per worker.

>>> result = run_bench(Embedder(), load_gold(), index_dir=Path("index"))
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .errors import EvalError
from .gold import GoldItem
from .load import ask_page, run_level
from .paths import REPO_ROOT
from .server import running_server

CLIENT_LEVELS = (1, 8, 32)
REQUESTS_PER_LEVEL = 64
# Pause between a block of bare encodes and a block of asks (and back): thread pools spin for a
# moment after their last task, and would take a core from the other side.
SETTLE_SECONDS = 0.05
# Appended to one file of a copy of the corpus for the warm rebuild: a real change, not just a new mtime.
TOUCH_LINE = "\nThis line was added by the benchmark to change one file.\n"


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * float(np.percentile(values, 50)), 3),
        "p95_ms": round(1000 * float(np.percentile(values, 95)), 3),
    }


# Answers questions in a process of its own, as the server does: the chatbot over an index, its ONNX
# query model, no torch. Reads one JSON object per line ({"question", "history"}) and writes, per
# question, the ask's wall time and stage timings, and whether torch was ever imported.
ASK_TIMER = """
import json, sys, time
from chatbot import Chatbot
bot = Chatbot.load(sys.argv[1])
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    item = json.loads(line)
    clock = time.perf_counter()
    answer = bot.ask(item["question"], history=item["history"])
    seconds = time.perf_counter() - clock
    print(json.dumps({"seconds": seconds, "timings": answer.timings, "torch": "torch" in sys.modules}), flush=True)
"""


class _AskTimer:
    """The ASK_TIMER process over one index."""

    def __init__(self, index_dir: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", ASK_TIMER, str(index_dir)],
            cwd=REPO_ROOT,
            env=_python_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise EvalError(f"the timing process stopped (exit {self.process.wait()}); see its error above")
        return json.loads(line)

    def ask(self, items: list[GoldItem]) -> list[dict]:
        """Ask `items` one after the other (the process idle between blocks); their measurements."""
        self.process.stdin.write(
            "".join(json.dumps({"question": i.question, "history": list(i.history)}) + "\n" for i in items)
        )
        self.process.stdin.flush()
        return [self._read() for _ in items]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def answer_latency(index_dir: Path, items: list[GoldItem], reference, rounds: int = 2, block: int = 64) -> dict:
    """Per question (those that reach retrieval), a bare `reference.encode` of it (the
    sentence-transformers model, in this process) and a full ask (in a process without torch, as
    served), alternating in blocks of `block` questions so both see the same machine; p50/p95 per
    stage and the ratio of ask to the bare encode.

    Apart and in blocks, each side in its steady state: in one process, or alternating question
    by question, torch's and onnxruntime's thread pools share the two cores and each keeps
    spinning for a moment after its call, which slows whichever runs next (a strict alternation
    once measured the bare encode at 17.6 ms p50 where it takes ~5-9 ms on its own)."""
    timer = _AskTimer(index_dir)
    try:
        timer.ask(items[:5])  # warm-up: first calls pay one-off costs
        for item in items[:5]:
            reference.encode([item.question])
        encode, total, stages, torch_seen = [], [], {}, False
        for _ in range(rounds):
            for start in range(0, len(items), block):
                chunk = items[start : start + block]
                encoded = []
                for item in chunk:
                    clock = time.perf_counter()
                    reference.encode([item.question])
                    encoded.append(time.perf_counter() - clock)
                time.sleep(SETTLE_SECONDS)  # untimed: the pool that just ran goes idle before the other side runs
                asked = timer.ask(chunk)
                time.sleep(SETTLE_SECONDS)
                for seconds, measured in zip(encoded, asked, strict=True):
                    torch_seen |= measured["torch"]
                    timings = measured["timings"]
                    if "ranking" not in timings:  # crisis and invalid input never reach retrieval
                        continue
                    encode.append(seconds)
                    total.append(measured["seconds"])
                    for stage, value in timings.items():
                        stages.setdefault(stage, []).append(value)
                    stages.setdefault("other", []).append(max(measured["seconds"] - sum(timings.values()), 0.0))
    finally:
        timer.close()
    table = {stage: _percentiles(values) for stage, values in stages.items()}
    table["ask (total)"] = _percentiles(total)
    table["bare encode"] = _percentiles(encode)
    return {
        "questions": len(total),
        "torch_imported_by_asks": torch_seen,
        "stages": table,
        "ratio_p50": round(float(np.percentile(total, 50) / np.percentile(encode, 50)), 3),
        "ratio_p95": round(float(np.percentile(total, 95) / np.percentile(encode, 95)), 3),
    }


def _bare_encode_seconds(embedder, index, batch_size: int) -> tuple[float, int]:
    """A bare model.encode of the texts a build embeds (passages with their context, sentences,
    section headings), each distinct text once as the build does."""
    from indexer import passage_embedding_text
    from indexer.sentence_table import section_headings

    passages = [passage_embedding_text(c) for c in index.chunks]
    sentences = [c.text[s.start - c.start : s.end - c.start] for c in index.chunks for s in c.sentences]
    headings = section_headings(index.articles.values())
    texts = list(dict.fromkeys(passages)) + list(dict.fromkeys(sentences)) + list(dict.fromkeys(headings))
    clock = time.perf_counter()
    embedder.encode(texts, batch_size)
    return time.perf_counter() - clock, len(texts)


def build_benchmark(embedder, documents, label: str, warm_touch: bool = True) -> dict:
    """Cold build into a fresh folder (empty embedding cache), a warm rebuild with one file
    changed, and a bare encode of the same texts."""
    from indexer import IndexSettings, build_index, load_index
    from indexer.records import Document

    settings = IndexSettings()
    work = Path(tempfile.mkdtemp(prefix="eval-bench-build-"))
    try:
        cold = build_index(documents, work / "index", embedder=embedder, settings=settings)
        index = load_index(work / "index")
        encode_seconds, texts = _bare_encode_seconds(embedder, index, settings.embed_batch_size)
        result = {
            "corpus": label,
            "files": len(documents),
            "passages": cold.passages,
            "sentences": cold.sentences,
            "texts_encoded": cold.embedded,
            "cold_seconds": round(cold.seconds, 2),
            "chunks_per_second": round(cold.passages / cold.seconds, 1),
            "bare_encode_seconds": round(encode_seconds, 2),
            "bare_encode_texts": texts,
            "ratio_to_bare_encode": round(cold.seconds / encode_seconds, 3),
        }
        if warm_touch:
            # The last file: in corpus/ the first one (000_…) is a duplicate article, never embedded.
            touched = documents[-1]
            changed = touched.text + TOUCH_LINE
            import hashlib

            documents = [
                Document(d.file, changed, hashlib.sha256(changed.encode("utf-8")).hexdigest()) if d is touched else d
                for d in documents
            ]
            warm = build_index(documents, work / "index", embedder=embedder, settings=settings)
            result.update(
                {
                    "warm_seconds": round(warm.seconds, 2),
                    "warm_touched_file": touched.file,
                    "warm_texts_encoded": warm.embedded,
                    "warm_texts_reused": warm.reused,
                }
            )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _python_env() -> dict:
    env = dict(os.environ)
    env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


# A bare process that loads sentence-transformers and encodes one question: what `chatbot ask`
# would cost if it embedded the question the way the index was built.
BARE_ENCODE = """
import sys
from sentence_transformers import SentenceTransformer
from indexer.embedding import packaged_model_dir
model = SentenceTransformer(str(packaged_model_dir()), device="cpu", local_files_only=True)
print(model.encode([sys.argv[1]], normalize_embeddings=True).shape)
"""


# Starts a command and reports, as its last line on stderr, the command's wall time from start to
# exit, its peak RSS (kB) and its exit code. Linux keeps a process's peak RSS across fork and exec
# (the larger of the parent's at the fork and its own): started from the benchmark itself, which
# holds sentence-transformers (over 1 GB), every command would seem to peak at the benchmark's size.
# Started from this small process, its own peak is what is measured.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(f"\\n{time.perf_counter() - started} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}", file=sys.stderr)
"""


def _timed_process(command: list[str], expect: bytes) -> tuple[float, float]:
    """Run a process to its end (through LAUNCHER): seconds from its start to its exit, and its
    peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], cwd=REPO_ROOT, env=_python_env(), capture_output=True)
    *output, measured = done.stderr.decode(errors="replace").rstrip().rsplit("\n", 1)
    seconds, peak_kb, code = measured.split()
    if int(code) not in (0, 2) or expect not in done.stdout:
        raise EvalError(f"{' '.join(command[1:3])} failed (exit {code}): {''.join(output)[-500:]}")
    return float(seconds), int(peak_kb) / 1024


def cold_start(index_dir: Path, question: str, runs: int = 3) -> dict:
    """`python -m chatbot ask --json` as a new process, start to answer printed and exited, and its
    peak RSS; the same for a bare process loading sentence-transformers to encode the question
    (the runs interleaved, so both see the same machine)."""
    ask = [sys.executable, "-m", "chatbot", "ask", "--json", "--index", str(index_dir), "--", question]
    bare = [sys.executable, "-c", BARE_ENCODE, question]
    asked, encoded = [], []
    for _ in range(runs):
        asked.append(_timed_process(ask, b'"status"'))
        encoded.append(_timed_process(bare, b"(1, "))
    seconds = statistics.median(s for s, _ in asked)
    bare_seconds = statistics.median(s for s, _ in encoded)
    return {
        "runs": runs,
        "seconds_median": round(seconds, 2),
        "seconds": [round(s, 2) for s, _ in asked],
        "peak_rss_mb": round(max(m for _, m in asked), 1),
        "bare_encode_seconds_median": round(bare_seconds, 2),
        "bare_encode_seconds": [round(s, 2) for s, _ in encoded],
        "bare_encode_peak_rss_mb": round(max(m for _, m in encoded), 1),
        "ratio_to_bare_encode": round(seconds / bare_seconds, 3),
    }


def bare_import(module: str, runs: int = 3) -> dict:
    """A bare process that only imports `module`, start to exit (median of `runs`): the chat page
    needs Gradio, so no server can show it sooner after launch than this."""
    seconds = [_timed_process([sys.executable, "-c", f"import {module}; print('imported')"], b"imported")[0] for _ in range(runs)]
    return {"module": module, "seconds_median": round(statistics.median(seconds), 2), "seconds": [round(x, 2) for x in seconds]}


def _memory_mb(pids: list[int]) -> dict[str, list[float]]:
    """Each process's RSS (what the target counts: every page it maps, shared ones too) and PSS
    (shared pages divided among the processes sharing them: what it adds to the machine)."""
    import psutil

    infos = [psutil.Process(pid).memory_full_info() for pid in pids]
    return {
        "rss": [round(i.rss / 2**20, 1) for i in infos],
        "pss": [round(i.pss / 2**20, 1) for i in infos],
    }


def _cpu_seconds(pids: list[int]) -> float:
    import psutil

    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)  # user + system


def http_load(
    url: str, questions: list[str], levels=CLIENT_LEVELS, requests: int = REQUESTS_PER_LEVEL, pids: list[int] = ()
) -> list[dict]:
    """At each level, that many clients share `requests` calls to POST /api/ask (each a gold
    question, no history); latency per call, throughput, errors (any non-200 or unreadable reply).
    With the server's `pids`, also the CPU time it spent per answer: what an answer costs the
    server, whatever else the machine is running."""
    rows = []
    for clients in levels:
        total = max(requests, clients)
        cases = [(questions[n % len(questions)], ()) for n in range(total)]
        cpu = _cpu_seconds(pids)
        row = run_level(url, cases, clients, time_limit=300).summary()
        if pids and row["ok"]:
            row["server_cpu_ms_per_answer"] = round(1000 * (_cpu_seconds(pids) - cpu) / row["ok"], 2)
        rows.append(row)
    return rows


def serve_benchmark(index_dir: Path, questions: list[str], levels, requests: int, workers: int = 1) -> dict:
    """The real server: seconds from launch to /api/health ready, and to the chat page served and
    its first answer; the HTTP load levels; each worker's memory before and after the load."""
    import httpx

    with tempfile.TemporaryDirectory(prefix="eval-bench-server-") as work:
        launched = time.perf_counter()
        with running_server(index_dir, feedback=Path(work) / "feedback.sqlite3", timeout=180, workers=workers) as server:
            # What a visitor does: load the page, send a question from it (the page's own event).
            httpx.get(server.url, timeout=60).raise_for_status()
            ask_page(server.url, questions[0])
            first_answer = time.perf_counter() - launched
            pids, workers_pids = server.pids(), server.workers()
            before = _memory_mb(workers_pids)
            levels_result = http_load(server.url, questions, levels, requests, pids)
            time.sleep(1)
            after, everything = _memory_mb(workers_pids), _memory_mb(pids)
            return {
                "workers": workers,
                "server_start_seconds": server.ready_seconds,
                "first_answer_seconds": round(first_answer, 2),
                "levels": levels_result,
                "worker_rss_mb_before_load": before["rss"],
                "worker_rss_mb_after_load": after["rss"],
                "worker_pss_mb_after_load": after["pss"],
                "total_rss_mb_after_load": round(sum(everything["rss"]), 1),
                "total_pss_mb_after_load": round(sum(everything["pss"]), 1),
            }


def run_bench(
    embedder,
    items: list[GoldItem],
    *,
    index_dir: Path,
    corpus_dir: Path | None = None,
    scifact: Path | None = None,
    http: bool = True,
    levels=CLIENT_LEVELS,
    requests: int = REQUESTS_PER_LEVEL,
    workers: tuple[int, ...] = (1, 2),
    progress=None,
) -> dict:
    """Every benchmark; `index_dir` is a built index of corpus/ (cold start and server use it)."""
    from .beir import beir_document, load_beir
    from .indexes import corpus_documents

    say = progress or (lambda message: None)
    result: dict = {}
    say("answer latency (in process, the index's ONNX query model, against a bare sentence-transformers encode)")
    result["answer_latency"] = answer_latency(index_dir, items, embedder)
    say("index build: corpus/ (cold, then warm with one file changed)")
    documents, label = corpus_documents(corpus_dir)
    result["build"] = [build_benchmark(embedder, documents, label)]
    if scifact is not None:
        say(f"index build: {scifact} (cold; slow)")
        data = load_beir(scifact)
        beir_documents = [beir_document(d, title, text) for d, (title, text) in data.corpus.items()]
        result["build"].append(build_benchmark(embedder, beir_documents, data.name, warm_touch=False))
    say("cold start (python -m chatbot ask, and a bare sentence-transformers process, three times each)")
    question = next(i.question for i in items if i.kind == "answerable")
    result["cold_start"] = cold_start(index_dir, question)
    if http:
        questions = [i.question for i in items if i.kind == "answerable"]
        say("a bare process importing gradio, three times (the chat page cannot be up sooner)")
        result["gradio_import"] = bare_import("gradio")
        result["http"] = []
        for count in workers:
            say(f"HTTP: python -m chatbot serve --workers {count}, {', '.join(map(str, levels))} concurrent clients")
            try:
                result["http"].append(serve_benchmark(index_dir, questions, levels, requests, count))
            except RuntimeError as exc:
                raise EvalError(f"the chat server (python -m chatbot serve) failed: {exc}") from exc
    return result


def report(result: dict, info: dict) -> tuple[dict, str, dict]:
    from .reports import bar_chart, markdown_table, stacked_chart

    latency = result["answer_latency"]
    stages = latency["stages"]
    stage_rows = [[stage, v["p50_ms"], v["p95_ms"]] for stage, v in stages.items()]
    builds = result["build"]
    build_rows = [
        [b["corpus"], b["files"], b["passages"], b["sentences"], b["cold_seconds"], b["chunks_per_second"],
         b["bare_encode_seconds"], b["ratio_to_bare_encode"], b.get("warm_seconds"), b.get("warm_texts_encoded")]
        for b in builds
    ]
    cold = result["cold_start"]
    sections = [
        f"""# Performance benchmarks

Command: `{info['command']}` ({info['created']}); {info['machine']['cpus']} CPUs, no GPU.

## Answer latency, in process ({latency['questions']} asks of gold questions that reach retrieval)

{markdown_table(["stage", "p50 ms", "p95 ms"], stage_rows)}

The asks run in a process of their own that, like the server, never imports torch (torch imported
there: {latency.get('torch_imported_by_asks')}); the question is embedded with the index's ONNX query
model (onnxruntime). The bare encode is sentence-transformers' `model.encode(question)` in the
benchmark's process. The two alternate in blocks of 64 questions. Ask / bare encode: **{latency['ratio_p50']}×** at p50,
{latency['ratio_p95']}× at p95 (target ≤ 0.5× at p50).

## Index build

{markdown_table(["corpus", "files", "passages", "sentences", "cold s", "chunks/s", "bare encode s", "cold / bare encode", "warm s (1 file changed)", "texts re-encoded"], build_rows)}

Cold: a fresh folder with an empty embedding cache (the model already loaded). The bare encode
embeds the same distinct texts (passages with their context, and sentences) in one call.

## Cold start and memory

`python -m chatbot ask --json QUESTION` as a new process, index built: median
**{cold['seconds_median']} s** from start to answer ({', '.join(map(str, cold['seconds']))}), peak RSS **{cold['peak_rss_mb']} MB**
(target ≤ 2 s). A bare process that loads sentence-transformers and encodes the same question:
median {cold.get('bare_encode_seconds_median')} s, peak RSS {cold.get('bare_encode_peak_rss_mb')} MB; ratio
**{cold.get('ratio_to_bare_encode')}×** (target ≤ 0.4×).
"""
    ]
    charts = {
        "bench-latency": stacked_chart(
            "Answer latency by stage (p50)",
            ["ask", "bare encode"],
            {
                **{s: [stages[s]["p50_ms"], 0.0] for s in stages if s not in ("ask (total)", "bare encode")},
                "bare encode": [0.0, stages["bare encode"]["p50_ms"]],
            },
            "milliseconds",
        )
    }
    for http in result.get("http") or []:
        rows = [
            [r["clients"], r["requests"], r["ok"], r["errors"], r["p50_ms"], r["p95_ms"], r["throughput_per_s"], r.get("server_cpu_ms_per_answer")]
            for r in http["levels"]
        ]
        workers = http["workers"]
        sections.append(
            f"""## HTTP: `python -m chatbot serve --workers {workers}`, POST /api/ask over loopback (httpx)

Ready (/api/health 200) {http['server_start_seconds']} s after launch; the chat page loaded and its
first answer (a question sent from the page, as its script does) {http['first_answer_seconds']} s after launch (target ≤ 3 s; a bare `import gradio` process takes
{result.get('gradio_import', {}).get('seconds_median')} s). RSS per worker after the load:
{', '.join(f'{m} MB' for m in http['worker_rss_mb_after_load'])} (target ≤ 300 MB; before the load:
{', '.join(f'{m} MB' for m in http['worker_rss_mb_before_load'])}); PSS per worker (shared pages divided
among the processes sharing them): {', '.join(f'{m} MB' for m in http.get('worker_pss_mb_after_load', []))};
all processes: RSS {http['total_rss_mb_after_load']} MB, PSS {http.get('total_pss_mb_after_load')} MB.
Targets: at 8 clients p95 ≤ 100 ms and ≥ 80 answers/s; 0 errors at 32 clients. Server CPU per answer
is the workers' CPU time during the level divided by its answers: what an answer costs, whatever else
the machine runs.

{markdown_table(["clients", "requests", "ok", "errors", "p50 ms", "p95 ms", "answers/s", "server CPU ms/answer"], rows)}
"""
        )
        levels = [str(r["clients"]) for r in http["levels"]]
        charts[f"bench-http-{workers}w" if workers > 1 else "bench-http"] = bar_chart(
            f"POST /api/ask latency by concurrent clients ({workers} worker{'s' if workers > 1 else ''})",
            levels,
            {"p50 ms": [r["p50_ms"] or 0 for r in http["levels"]], "p95 ms": [r["p95_ms"] or 0 for r in http["levels"]]},
            "milliseconds",
            ylim=None,
        )
    return {**info, **result}, "\n".join(sections), charts
