"""The server's shared state without a server: the feedback store and the conversation store from
several processes at once, rate limits, and the API's readable validation messages (no model)."""

from __future__ import annotations

import json
import multiprocessing
import time

import pytest

from chatbot.conversations import Conversation, ConversationStore
from chatbot.feedback import FeedbackStore, feedback_record
from chatbot.ratelimit import RateLimiter, default_rate_limit
from chatbot.webapp import validation_message

ANSWER = {"question": "q", "query": "q", "status": "answered", "quotes": [{"text": "t", "file": "f", "context": {"text": "long"}}]}


def _vote_many(path: str, worker: int, count: int) -> None:
    store = FeedbackStore(path)
    for n in range(count):
        store.append(feedback_record(ANSWER, "up", session=f"worker-{worker}", message=n))


def test_votes_from_several_processes_at_once_are_all_kept_whole(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    workers = [context.Process(target=_vote_many, args=(str(path), w, 150)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    records = list(FeedbackStore(path).records())
    assert len(records) == 600
    for w in range(4):  # each worker's votes, all there and in its own order
        assert [r["message"] for r in records if r["session"] == f"worker-{w}"] == list(range(150))
    assert records[0]["quotes"] == [{"text": "t", "file": "f", "start": None, "end": None, "line": None, "title": None, "section": None, "score": None}]


def test_the_export_is_one_json_object_per_line_whatever_the_texts(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    nasty = "a\nb\u2028c\u2029d\x85e \ud800"
    store.append(feedback_record({**ANSWER, "question": nasty}, "down", session=nasty))
    assert store.export(tmp_path / "out.jsonl") == 1
    text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and len(text.splitlines()) == 1
    assert json.loads(text)["question"] == nasty


def test_conversations_are_shared_forgotten_and_bounded(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    one, other = ConversationStore(path), ConversationStore(path)  # two workers
    one.put("s\ud800", Conversation(("What is dermatographism?",), {2: ANSWER}))
    assert other.get("s\ud800") == Conversation(("What is dermatographism?",), {2: ANSWER})
    other.forget("s\ud800")
    assert one.get("s\ud800") == Conversation()
    small = ConversationStore(path, capacity=5)
    for n in range(12):
        small.put(f"s{n}", Conversation((str(n),)))
    small.prune()
    assert small.count() == 5 and small.get("s11").questions == ("11",) and small.get("s0") == Conversation()
    expiring = ConversationStore(tmp_path / "ttl.sqlite3", ttl=0.2)
    expiring.put("s", Conversation(("q",)))
    time.sleep(0.3)
    assert expiring.get("s") == Conversation()


def test_rate_limits_count_per_client_and_per_kind(monkeypatch):
    limiter = RateLimiter(per_minute=2)
    assert [limiter.wait("ask", "a") for _ in range(2)] == [None, None]
    wait = limiter.wait("ask", "a")
    assert isinstance(wait, int) and 1 <= wait <= 60
    assert limiter.wait("ask", "b") is None and limiter.wait("vote", "a") is None
    assert all(RateLimiter(0).wait("ask", "a") is None for _ in range(1000))
    monkeypatch.setenv("CHATBOT_RATE_LIMIT", "0")
    assert default_rate_limit() == 0
    monkeypatch.setenv("CHATBOT_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="whole number of requests per minute"):
        default_rate_limit()
    with pytest.raises(ValueError, match="0 \\(no limit\\) or more"):
        RateLimiter(-1)


def test_validation_errors_read_as_one_sentence_without_the_input():
    errors = [
        {"type": "missing", "loc": ("body", "question"), "msg": "Field required", "input": {"x": "secret"}},
        {"type": "string_type", "loc": ("body", "history", 0), "msg": "Input should be a valid string", "input": 5},
    ]
    message = validation_message(errors)
    assert message.endswith("question: Field required; history.0: Input should be a valid string.")
    assert "secret" not in message
    broken = [{"type": "json_invalid", "loc": ("body", 9), "msg": "JSON decode error", "ctx": {"error": "Expecting value"}}]
    assert validation_message(broken).startswith("The request body is not valid JSON (Expecting value)")
