"""The HTTP app: FastAPI owns every route, limit and header; the Gradio chat is mounted in it at "/"
(the pattern of private-gpt's `mount_in_app`), so nothing depends on Gradio's internals.

    /api/ask, /api/health, /api/documents    the JSON API (api.py), documented at /docs
    /                                        the chat page (blocks.py)

>>> app = create_app(Chatbot.load(), AppSettings(feedback_path=Path("feedback.sqlite3")))
>>> uvicorn.run(app, host="127.0.0.1", port=7860)
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

from .gradio_loading import import_gradio
from .guards import MAX_REQUEST_BYTES, RouteGuard, SecurityHeaders

log = logging.getLogger(__name__)

# Conversations whose Gradio page state a worker keeps in memory (each a copy of the page's
# component settings, ~100 KB). The chat's own state is in the ConversationStore, so a visitor
# whose Gradio state was dropped loses nothing.
GRADIO_SESSIONS = 200


@dataclass(frozen=True)
class AppSettings:
    feedback_path: Path  # the feedback store (SQLite)
    conversations_path: Path  # the conversation store (SQLite), shared by the workers of one server
    rate_limit: int = 60  # asks, and votes, per client and minute; 0: no limit
    max_request_bytes: int = MAX_REQUEST_BYTES


def create_app(bot, settings: AppSettings):
    """The FastAPI app over a loaded `Chatbot`: the JSON API, the chat page mounted at "/", and the
    guards in front of both."""
    gr = import_gradio()
    from fastapi import FastAPI
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from .api import Readiness, api_router
    from .blocks import build_blocks, theme
    from .conversations import ConversationStore
    from .feedback import FeedbackStore
    from .ratelimit import RateLimiter
    from .rendering import CSS, TITLE

    readiness = Readiness()
    limiter = RateLimiter(settings.rate_limit)
    feedback = FeedbackStore(settings.feedback_path)
    conversations = ConversationStore(settings.conversations_path)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        readiness.state = "ready"
        yield
        readiness.state = "stopping"
        feedback.close()
        conversations.close()

    app = FastAPI(
        title=TITLE,
        summary="Answers questions about fibromyalgia and ketamine therapy only by quoting its documents.",
        version="1",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.include_router(api_router(bot, limiter, readiness))

    @app.exception_handler(RequestValidationError)
    async def unreadable(request, exc: RequestValidationError):
        return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):
        # FastAPI answers 400 to a body it cannot decode at all (not UTF-8): for the API that is
        # one more unreadable request, 422 like the others.
        if exc.status_code == 400 and request.url.path.startswith("/api/"):
            return JSONResponse({"detail": NOT_UTF8}, status_code=422)
        return await http_exception_handler(request, exc)

    blocks = build_blocks(bot, feedback, conversations, limiter)
    blocks.state_session_capacity = GRADIO_SESSIONS  # what launch(state_session_capacity=...) sets
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        footer_links=[],
        run_history=False,  # it would keep visitors' health questions in the browser
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        show_error=False,
        max_file_size=0,  # nothing is ever uploaded (and the upload route is refused anyway)
        blocked_paths=blocked_paths(settings.feedback_path.parent, settings.conversations_path.parent, bot.index_dir),
        theme=theme(),
        css=CSS,
    )
    # Added last, so outermost: every response, refusals included, carries the headers.
    app.add_middleware(RouteGuard, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    return app


NOT_UTF8 = "The request body is not JSON text in UTF-8. Send {\"question\": \"…\", \"history\": [\"…\"]}."


def validation_message(errors) -> str:
    """FastAPI's validation errors as one sentence for a person (never echoing the input)."""
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        if error.get("type") == "json_invalid":
            problem = error.get("ctx", {}).get("error") or "not JSON"
            return f"The request body is not valid JSON ({problem}). Send {{\"question\": \"…\", \"history\": [\"…\"]}}."
        parts.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return "The request is not {\"question\": string, \"history\": [string, …]}: " + "; ".join(parts) + "."


def blocked_paths(*paths: Path | None) -> list[str]:
    """Folders Gradio must never serve a file from, even if `GRADIO_ALLOWED_PATHS` says otherwise:
    its upload folder, the repository (source, corpus), the index and the server's data folders."""
    from gradio.utils import get_upload_folder

    from indexer import default_index_dir
    from indexer.paths import REPO_ROOT

    folders = [Path(get_upload_folder()), REPO_ROOT, default_index_dir(), *(p for p in paths if p is not None)]
    return sorted({str(Path(p).resolve()) for p in folders})
