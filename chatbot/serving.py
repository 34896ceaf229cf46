"""Running the HTTP app under uvicorn, in one process or in `workers` processes that share the port.
Each worker loads the index and its query model (no torch), builds the app and watches for a new
index version on its own; they share the feedback store and the conversation store (SQLite).

>>> serve(ServeSettings(port=8000, workers=2))   # until interrupted

The settings reach the workers (which uvicorn starts afresh) through the environment variables
that the rest of the program already reads: $CHATBOT_INDEX_DIR, $CHATBOT_FEEDBACK_PATH,
$CHATBOT_RATE_LIMIT, and $CHATBOT_CONVERSATIONS_PATH (a folder made for this run).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .feedback import default_feedback_path
from .ratelimit import default_rate_limit

CONVERSATIONS_VARIABLE = "CHATBOT_CONVERSATIONS_PATH"

# Installed for the evals' charts and needed by nothing a worker does, yet imported by Gradio
# around every event of the page when it is installed (to switch its plotting backend: the chat
# draws no plot; Gradio carries on without it). Left out of the workers, the page's first answer
# comes sooner (0.5 s of CPU) and each worker is ~40 MB smaller.
LEFT_OUT = ("matplotlib",)


def _default_index_dir() -> Path:
    from indexer import default_index_dir

    return default_index_dir()


@dataclass(frozen=True)
class ServeSettings:
    index_dir: Path = field(default_factory=_default_index_dir)
    host: str = "127.0.0.1"
    port: int = 7860
    feedback_path: Path = field(default_factory=default_feedback_path)
    rate_limit: int = field(default_factory=default_rate_limit)  # per client and minute; 0: none
    workers: int = 1


def serve(settings: ServeSettings) -> None:
    """Serve the chat and the API until interrupted."""
    import uvicorn

    _check_port(settings.host, settings.port)
    run_dir = Path(tempfile.mkdtemp(prefix="fibro-quote-bot-"))
    os.environ.update(
        {
            "CHATBOT_INDEX_DIR": str(Path(settings.index_dir).resolve()),
            "CHATBOT_FEEDBACK_PATH": str(Path(settings.feedback_path).resolve()),
            "CHATBOT_RATE_LIMIT": str(settings.rate_limit),
            CONVERSATIONS_VARIABLE: str(run_dir / "conversations.sqlite3"),
            "GRADIO_ANALYTICS_ENABLED": "False",
        }
    )
    workers = f"{settings.workers} workers" if settings.workers > 1 else "one process"
    print(
        f"Starting the chat on http://{settings.host}:{settings.port}/ ({workers}; feedback: "
        f"{settings.feedback_path}). Press Ctrl+C to stop.",
        file=sys.stderr,
        flush=True,
    )
    try:
        uvicorn.run(
            "chatbot.serving:app_from_environment",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


# glibc's mallopt(M_ARENA_MAX, …)
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Let this process's threads share `arenas` malloc arenas. glibc gives each thread that
    allocates an arena of its own and keeps what was freed there: under load a worker's request
    threads would grow it by tens of MB for nothing. (The variable MALLOC_ARENA_MAX would only reach
    processes started after it is set; with one worker, uvicorn runs in this very process.)"""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc: no arenas to limit
        pass


def app_from_environment():
    """uvicorn's app factory, run in each worker: load the chatbot, build the app."""
    from indexer import default_index_dir
    from indexer.lexical import leave_out_numba

    limit_malloc_arenas()  # before the threads below and the request threads start
    leave_out_numba()  # before anything imports bm25s
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # an import of it now raises ImportError
    from .engine import Chatbot
    from .gradio_loading import import_gradio
    from .webapp import AppSettings, create_app

    # Importing Gradio (~1.2 s without its stub writer) overlaps loading the index and its model.
    gradio_import = threading.Thread(target=import_gradio, daemon=True)
    gradio_import.start()
    bot = Chatbot.load(default_index_dir())
    bot.watch()  # switch to a newly published index version within seconds of a rebuild
    gradio_import.join()
    conversations = os.environ.get(CONVERSATIONS_VARIABLE)
    if not conversations:  # a worker started without serve(): a store of its own
        conversations = str(Path(tempfile.mkdtemp(prefix="fibro-quote-bot-")) / "conversations.sqlite3")
    app = create_app(
        bot,
        AppSettings(
            feedback_path=default_feedback_path(),
            conversations_path=Path(conversations),
            rate_limit=default_rate_limit(),
        ),
    )
    print(f"Chat loaded (process {os.getpid()}, index version {bot.index.folder.name}).", file=sys.stderr, flush=True)
    return app


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message when the port cannot be listened on (before loading anything)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(
                f"error: cannot listen on {host}:{port} ({exc.strerror}): the port is in use, or {host} is not an "
                "address of this machine; choose another with --port or --host"
            ) from exc
