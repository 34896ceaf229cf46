"""Performance on this machine, in one run: answer latency by stage against a bare model.encode,
index build time against a bare encode of the same texts, cold start and peak memory of a real
process, and the real Gradio server under 1, 8 and 32 concurrent clients.

>>> result = run_bench(Embedder(), load_gold())
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .errors import EvalError
from .gold import GoldItem
from .paths import REPO_ROOT
from .server import running_server

CLIENT_LEVELS = (1, 8, 32)
REQUESTS_PER_LEVEL = 64
# Appended to one file of a copy of the corpus for the warm rebuild: a real change, not just a new mtime.
TOUCH_LINE = "\nThis line was added by the benchmark to change one file.\n"


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * float(np.percentile(values, 50)), 3),
        "p95_ms": round(1000 * float(np.percentile(values, 95)), 3),
    }


def answer_latency(bot, items: list[GoldItem], rounds: int = 2) -> dict:
    """Per question (those that reach retrieval), a bare encode of it and a full ask, interleaved
    so both see the same machine; p50/p95 per stage and the ratio of ask to encode."""
    for item in items[:5]:  # warm-up: first calls pay one-off costs
        bot.ask(item.question, history=list(item.history))
        bot.encoder.encode([item.question])
    encode, total, stages = [], [], {}
    for _ in range(rounds):
        for item in items:
            clock = time.perf_counter()
            bot.encoder.encode([item.question])
            seconds = time.perf_counter() - clock
            clock = time.perf_counter()
            answer = bot.ask(item.question, history=list(item.history))
            elapsed = time.perf_counter() - clock
            if "extraction" not in answer.timings:  # crisis and invalid input never reach retrieval
                continue
            encode.append(seconds)
            total.append(elapsed)
            for stage, value in answer.timings.items():
                stages.setdefault(stage, []).append(value)
            stages.setdefault("other", []).append(max(elapsed - sum(answer.timings.values()), 0.0))
    table = {stage: _percentiles(values) for stage, values in stages.items()}
    table["ask (total)"] = _percentiles(total)
    table["bare encode"] = _percentiles(encode)
    return {
        "questions": len(total),
        "stages": table,
        "ratio_p50": round(float(np.percentile(total, 50) / np.percentile(encode, 50)), 3),
        "ratio_p95": round(float(np.percentile(total, 95) / np.percentile(encode, 95)), 3),
    }


def _bare_encode_seconds(embedder, index, batch_size: int) -> tuple[float, int]:
    """A bare model.encode of the texts a build embeds (passages with their context, sentences),
    each distinct text once as the build does."""
    from indexer import passage_embedding_text

    passages = [passage_embedding_text(c) for c in index.chunks]
    sentences = [c.text[s.start - c.start : s.end - c.start] for c in index.chunks for s in c.sentences]
    texts = list(dict.fromkeys(passages)) + list(dict.fromkeys(sentences))
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


def cold_start(index_dir: Path, question: str, runs: int = 3) -> dict:
    """`python -m chatbot ask --json` as a new process: start to answer printed and exited, and the
    process's peak RSS (from the kernel's accounting of the finished child)."""
    seconds, peaks = [], []
    for _ in range(runs):
        clock = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "chatbot", "ask", "--json", "--index", str(index_dir), "--", question],
            cwd=REPO_ROOT,
            env=_python_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = process.stdout.read(), process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - clock
        if process.returncode != 0 or b'"status"' not in out:
            raise EvalError(f"python -m chatbot ask failed (exit {process.returncode}): {err.decode()[-500:]}")
        seconds.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    return {
        "runs": runs,
        "seconds_median": round(statistics.median(seconds), 2),
        "seconds": [round(s, 2) for s in seconds],
        "peak_rss_mb": round(max(peaks), 1),
    }


def _peak_rss(pid: int, stop: threading.Event, peak: list[float]) -> None:
    """Sample the RSS of a process and its children until `stop`; the largest, in MB, in peak[0]."""
    import psutil

    try:
        proc = psutil.Process(pid)
        while not stop.is_set():
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak[0] = max(peak[0], rss / 2**20)
            time.sleep(0.2)
    except psutil.Error:
        pass


def _load_level(url: str, questions: list[str], clients: int, total: int) -> dict:
    from gradio_client import Client

    connected = [Client(url, verbose=False, download_files=False) for _ in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        client = connected[worker]
        for n in range(worker, total, clients):
            clock = time.perf_counter()
            try:
                result = client.predict(questions[n % len(questions)], [], api_name="/ask")
                problem = None if result is not None else "empty result"
            except Exception as exc:  # every failure counts, whatever its kind
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - clock
            with lock:
                if problem is None:
                    latencies.append(elapsed)
                else:
                    errors.append(problem[:200])

    clock = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    wall = time.perf_counter() - clock
    for client in connected:
        close = getattr(client, "close", None)
        if close:
            close()
    return {
        "clients": clients,
        "requests": total,
        "ok": len(latencies),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        **(_percentiles(latencies) if latencies else {"p50_ms": None, "p95_ms": None}),
        "throughput_per_s": round(len(latencies) / wall, 2),
        "wall_seconds": round(wall, 2),
    }


def http_load(url: str, questions: list[str], levels=CLIENT_LEVELS, requests: int = REQUESTS_PER_LEVEL) -> list[dict]:
    """At each level, that many clients (gradio_client, one each) share `requests` calls to the
    UI's /ask endpoint (question, history); latency per call, throughput, errors."""
    return [_load_level(url, questions, clients, max(requests, clients)) for clients in levels]

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
    progress=None,
) -> dict:
    """Every benchmark; `index_dir` is a built index of corpus/ (cold start and server use it)."""
    from chatbot import Chatbot
    from indexer import load_index

    from .beir import beir_document, load_beir
    from .indexes import corpus_documents

    say = progress or (lambda message: None)
    result: dict = {}
    say("answer latency (in process)")
    bot = Chatbot(load_index(index_dir), embedder)
    result["answer_latency"] = answer_latency(bot, items)
    say("index build: corpus/ (cold, then warm with one file changed)")
    documents, label = corpus_documents(corpus_dir)
    result["build"] = [build_benchmark(embedder, documents, label)]
    if scifact is not None:
        say(f"index build: {scifact} (cold; slow)")
        data = load_beir(scifact)
        beir_documents = [beir_document(d, title, text) for d, (title, text) in data.corpus.items()]
        result["build"].append(build_benchmark(embedder, beir_documents, data.name, warm_touch=False))
    say("cold start (python -m chatbot ask, three times)")
    question = next(i.question for i in items if i.kind == "answerable")
    result["cold_start"] = cold_start(index_dir, question)
    if http:
        say(f"HTTP: python -m chatbot serve, {', '.join(map(str, levels))} concurrent clients")
        questions = [i.question for i in items if i.kind == "answerable"]
        peak, stop = [0.0], threading.Event()
        try:
            with tempfile.TemporaryDirectory(prefix="eval-bench-server-") as work, running_server(
                index_dir, feedback=Path(work) / "feedback.jsonl", timeout=180
            ) as server:
                threading.Thread(target=_peak_rss, args=(server.process.pid, stop, peak), daemon=True).start()
                result["http"] = {
                    "server_start_seconds": server.ready_seconds,
                    "levels": http_load(server.url, questions, levels, requests),
                    "server_peak_rss_mb": round(peak[0], 1),
                }
        except RuntimeError as exc:
            raise EvalError(f"the chat server (python -m chatbot serve) failed: {exc}") from exc
        finally:
            stop.set()
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

Ask / bare `model.encode(question)`: **{latency['ratio_p50']}×** at p50, {latency['ratio_p95']}× at p95 (target ≤ 1.5×).

## Index build

{markdown_table(["corpus", "files", "passages", "sentences", "cold s", "chunks/s", "bare encode s", "cold / bare encode", "warm s (1 file changed)", "texts re-encoded"], build_rows)}

Cold: a fresh folder with an empty embedding cache (the model already loaded). The bare encode
embeds the same distinct texts (passages with their context, and sentences) in one call.

## Cold start and memory

`python -m chatbot ask --json QUESTION` as a new process, index built: median
**{cold['seconds_median']} s** from start to answer ({', '.join(map(str, cold['seconds']))}), peak RSS **{cold['peak_rss_mb']} MB**.
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
    http = result.get("http")
    if http:
        rows = [[r["clients"], r["requests"], r["ok"], r["errors"], r["p50_ms"], r["p95_ms"], r["throughput_per_s"]] for r in http["levels"]]
        sections.append(
            f"""## HTTP (Gradio server over loopback, gradio_client on /ask)

Server ready {http['server_start_seconds']} s after start; peak RSS under load {http['server_peak_rss_mb']} MB.

{markdown_table(["clients", "requests", "ok", "errors", "p50 ms", "p95 ms", "answers/s"], rows)}
"""
        )
        levels = [str(r["clients"]) for r in http["levels"]]
        charts["bench-http"] = bar_chart(
            "HTTP latency by concurrent clients",
            levels,
            {"p50 ms": [r["p50_ms"] or 0 for r in http["levels"]], "p95 ms": [r["p95_ms"] or 0 for r in http["levels"]]},
            "milliseconds",
            ylim=None,
        )
    return {**info, **result}, "\n".join(sections), charts
