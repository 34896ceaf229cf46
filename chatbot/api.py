"""The JSON API: `POST /api/ask` (the contract of `python -m chatbot ask --json`), `GET /api/health`
and `GET /api/documents`, with pydantic models that FastAPI checks and documents at /docs.

    curl -s http://127.0.0.1:7860/api/ask -H 'Content-Type: application/json' \\
         -d '{"question": "How long do its flare ups last?", "history": ["What is dermatographism?"]}'
"""

from __future__ import annotations

import logging
import os
from typing import Literal

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .answers import STATUSES
from .inputs import MAX_QUESTION_CHARS
from .ratelimit import RateLimiter
from .rendering import ERROR_TEXT, too_fast_text

log = logging.getLogger(__name__)

Status = Literal[STATUSES]  # type: ignore[valid-type]


class AskRequest(BaseModel):
    """A question, and the previous questions of the conversation (for follow-ups)."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        description=f"the question; empty, whitespace-only or over {MAX_QUESTION_CHARS:,} characters "
        'gives "status": "invalid" with an error message',
        examples=["How long do its flare ups last?"],
    )
    history: list[str] = Field(
        default_factory=list,
        description="the previous questions of the conversation, oldest first (only the last few are used)",
        examples=[["What is dermatographism?"]],
    )


class Location(BaseModel):
    file: str
    start: int
    end: int
    line: int


class Context(BaseModel):
    text: str = Field(description="the whole passage the quote was taken from")
    start: int = Field(description="its offset in the file")


class Quote(BaseModel):
    text: str = Field(description="exactly the file's text[start:end]")
    file: str = Field(description="relative to the repository root")
    start: int
    end: int
    line: int
    title: str
    section: str
    score: float
    also_in: list[Location] = Field(description="the same words in each duplicate copy of the article")
    context: Context


class Route(BaseModel):
    kind: Literal["crisis", "advice"] | None = Field(description="what the safety router decided, null for a question")
    rule: str | None = Field(description="the rule that decided, or null")
    probability: float | None = Field(description="the classifier's probability behind the decision, when it ran")


class AskResponse(BaseModel):
    """The answer: quotes with their sources, or a fixed notice (as `python -m chatbot ask --json`)."""

    question: str = Field(description="the question as read (control characters removed)")
    query: str = Field(description="what was searched, after follow-up resolution")
    status: Status
    quotes: list[Quote] = Field(description="best first")
    notice: str | None = Field(description="fixed text for advice, crisis and no_answer")
    error: str | None = Field(description='why the question is "invalid"')
    route: Route
    answerable: float | None = Field(
        description="the abstention classifier's probability that the best quote answers the question "
        "(null when it did not run: crisis, invalid, no candidate quote)"
    )
    unsure: bool = Field(description="answered, but the best quote is more likely not to answer: shown with a notice saying so")


class Problem(BaseModel):
    detail: str


class Health(BaseModel):
    status: Literal["ready", "starting", "stopping"]
    index: dict | None = Field(None, description="the live index version: version, created, counts")
    model: dict | None = Field(None, description="the embedding model: name, fingerprint, dimension")
    rate_limit_per_minute: int | None = None


class Readiness:
    """Whether this process answers: set once the app's startup finished, cleared at shutdown."""

    def __init__(self):
        self.state: Literal["starting", "ready", "stopping"] = "starting"


# Answers computed at once. An answer is CPU work (the model's run, then Python); more threads
# than cores only make them wait for each other (and for the GIL) instead of in line.
CONCURRENT_ASKS = max(2, os.cpu_count() or 2)


def api_router(bot, limiter: RateLimiter, readiness: Readiness) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["chatbot"])
    asking = anyio.CapacityLimiter(CONCURRENT_ASKS)

    @router.post(
        "/ask",
        response_model=AskResponse,
        responses={
            413: {"model": Problem, "description": "request body over 4 MB"},
            422: {"model": Problem, "description": "not JSON, or not {question: str, history: [str]}"},
            429: {"model": Problem, "description": "over the rate limit; see Retry-After"},
        },
        summary="Answer a question by quoting the documents",
    )
    async def ask(body: AskRequest, request: Request):
        """The documents' own sentences that answer the question, each with its source, or a fixed
        notice (no answer in the documents, ask your doctor, emergency help)."""
        wait = limiter.wait("ask", request.client.host if request.client else "unknown")
        if wait is not None:
            return JSONResponse({"detail": too_fast_text(wait)}, status_code=429, headers={"Retry-After": str(wait)})
        try:
            answer = await anyio.to_thread.run_sync(bot.ask, body.question, body.history, limiter=asking)
            return answer.to_dict()
        except Exception as exc:
            log.exception("the API failed on a question")
            raise HTTPException(status_code=500, detail=ERROR_TEXT) from exc

    @router.get("/health", response_model=Health, responses={503: {"model": Health}}, summary="Ready to answer?")
    def health():
        """200 with the live index version and model when this process answers; 503 while it
        starts or stops."""
        if readiness.state != "ready":
            return JSONResponse({"status": readiness.state}, status_code=503)
        manifest = bot.index.manifest
        return {
            "status": "ready",
            "index": {k: manifest.get(k) for k in ("version", "created", "counts")},
            "model": manifest.get("model"),
            "rate_limit_per_minute": limiter.per_minute,
        }

    @router.get("/documents", summary="The documents the answers quote")
    def documents() -> dict:
        """Every article of the live index: title, other names of its subject, file and line, the
        other files holding it, and its sections."""
        index = bot.index
        articles = index.articles
        return {
            "version": index.manifest.get("version"),
            "documents": [
                {
                    "id": a.id,
                    "title": a.title,
                    "names": list(a.names),
                    "file": a.file,
                    "line": a.line,
                    "also_in": [{"file": articles[o].file, "line": articles[o].line} for o in a.also_in if o in articles],
                    "sections": [{"heading": s.heading, "line": s.line} for s in a.sections if s.heading],
                }
                for a in articles.values()
                if not a.duplicate_of
            ],
        }

    return router
