"""The chat UI: the real app (`python -m chatbot serve`) driven in Debian's Chromium, its JSON API,
and the pieces a browser cannot check cheaply (escaping, the feedback store)."""

from __future__ import annotations

import html
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.answers import CRISIS_NOTICE, NO_ANSWER_NOTICE, UNSURE_NOTICE, Answer, Quote
from chatbot.feedback import FeedbackStore, feedback_record
from chatbot.rendering import ERROR_TEXT, literal, render_answer
from eval.load import ask_sync
from tests.conftest import TABLE_PAGE, bot_over_pages
from tests.ui_server import BOT_MESSAGES, USER_MESSAGES, ask, launch_chromium, running_app, serving_in_thread

INJECTION = "<img src=x onerror=alert(1)>"
MARKDOWN = "**bold** [link](http://example.com) $$x^2$$ `code` # heading"


def plain(text: str) -> str:
    """Text as the page shows it, for comparing: non-breaking spaces as spaces, spaces collapsed."""
    return " ".join(text.replace("\xa0", " ").split())


# --- the real app, in a real browser ---------------------------------------------------------


@pytest.fixture(scope="session")
def feedback_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"


@pytest.fixture(scope="session")
def app_url(index_dir, feedback_file):
    with running_app(index_dir, feedback=feedback_file) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    # Module scope: sync Playwright keeps an event loop running in this thread, which would break
    # asyncio.run() in any test that happened to run after this module.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def open_chat(chromium, url: str):
    """A fresh visitor (own browser context, own Gradio session) on the chat; page.dialogs lists
    every alert/confirm/prompt the page tried to open."""
    page = chromium.new_context().new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.locator("#fqb-question textarea").wait_for()
    return page


@pytest.fixture
def chat(chromium, app_url):
    page = open_chat(chromium, app_url)
    yield page
    page.context.close()


@pytest.mark.browser
def test_a_known_question_shows_the_quote_its_source_and_its_context(chat, bot):
    question = "How long does a ketamine infusion take?"
    expected = bot.ask(question).quotes[0]
    assert expected.context.strip() != expected.text.strip()  # a passage larger than the quote, so there is context to show
    answer = ask(chat, question)
    shown = plain(answer.inner_text())
    assert plain(expected.text) in shown
    assert plain(expected.title) in shown
    assert f"{expected.file}, line {expected.line}" in shown
    assert answer.locator("mark").count() >= 1
    answer.locator("details summary").first.click()
    mark = answer.locator("details mark").first
    mark.wait_for()
    assert plain(mark.inner_text()) == plain(expected.text)


@pytest.mark.browser
def test_a_follow_up_shows_what_was_searched(chat):
    first = ask(chat, "What is dermatographism?")
    assert "Searching for" not in first.inner_text()
    answer = ask(chat, "How long do its flare ups last?")
    searching = answer.locator(".fqb-searching")
    assert searching.inner_text().startswith("Searching for:")
    assert "dermatographism" in searching.inner_text().lower()
    assert "half an hour" in answer.inner_text()


@pytest.mark.browser
def test_an_out_of_scope_question_gets_the_no_answer_notice(chat):
    answer = ask(chat, "What is the capital of France?")
    assert plain(NO_ANSWER_NOTICE) in plain(answer.inner_text())
    assert answer.locator(".fqb-quote").count() == 0


@pytest.mark.browser
def test_quotes_the_bot_is_unsure_of_come_after_a_notice_saying_so(chat, bot):
    question = "Is ketamine addictive?"  # the documents never say; the classifier gives it ~0.15
    assert bot.ask(question).unsure
    answer = ask(chat, question)
    first = answer.locator(".fqb-answer > *").first
    assert "fqb-unsure" in first.get_attribute("class") and plain(UNSURE_NOTICE) in plain(first.inner_text())
    assert answer.locator(".fqb-quote").count() >= 1


@pytest.mark.browser
def test_a_crisis_message_shows_emergency_help_first(chat):
    answer = ask(chat, "I want to kill myself")
    first = answer.locator(".fqb-answer > *").first
    assert "fqb-crisis" in first.get_attribute("class")
    assert plain(CRISIS_NOTICE) in plain(first.inner_text())
    assert plain(answer.inner_text()).startswith("Please get help now")
    assert answer.locator(".fqb-quote").count() == 0


@pytest.mark.browser
def test_what_a_visitor_types_is_shown_literally_and_never_runs(chat):
    ask(chat, INJECTION)
    ask(chat, MARKDOWN)
    questions = chat.locator(USER_MESSAGES)
    assert questions.nth(0).inner_text().strip() == INJECTION
    assert questions.nth(1).inner_text().strip() == MARKDOWN
    for tag in ("img", "strong", "a", "code", "h1", ".katex"):
        assert chat.locator(f"{USER_MESSAGES} {tag}").count() == 0, tag
    chat.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert chat.dialogs == []


@pytest.mark.browser
def test_a_thumbs_up_adds_one_record_to_the_feedback_store(chat, feedback_file):
    store = FeedbackStore(feedback_file)
    before = list(store.records())
    question = "Is fibromyalgia hereditary?"
    ask(chat, question)
    chat.locator("#fqb-chat button[aria-label='Like']").last.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(list(store.records())) == len(before):
        time.sleep(0.1)
    time.sleep(0.3)  # a second record would show up now
    records = list(store.records())
    assert len(records) == len(before) + 1
    record = records[-1]
    assert record["vote"] == "up"
    assert record["question"] == question
    assert record["quotes"] and all(q["text"] and q["file"] for q in record["quotes"])
    assert record["timestamp"]


@pytest.mark.browser
def test_the_documents_tab_lists_every_article(chat, bot):
    chat.get_by_role("tab", name="Documents").click()
    listing = chat.locator("#fqb-documents")
    listing.wait_for()
    shown = plain(listing.inner_text())
    canonical = [a for a in bot.index.articles.values() if not a.duplicate_of]
    assert canonical
    for article in canonical:
        assert plain(article.title or f"Untitled article in {Path(article.file).name}") in shown
        assert article.file in shown


@pytest.mark.browser
def test_an_example_asks_and_clearing_forgets_the_conversation(chat):
    chat.locator("#fqb-chat").get_by_text("What is dermatographism?", exact=True).click()
    chat.locator(BOT_MESSAGES).first.wait_for()
    assert "Dermatographism" in chat.locator(BOT_MESSAGES).first.inner_text()
    chat.locator("#fqb-clear").click()
    chat.locator(BOT_MESSAGES).first.wait_for(state="detached")
    answer = ask(chat, "How long do its flare ups last?")
    assert "Searching for" not in answer.inner_text()  # the cleared question is no history


def test_the_api_returns_the_ask_json_contract(app_url, bot):
    history = ["What is dermatographism?"]
    result = ask_sync(app_url, "How long do its flare ups last?", history)
    assert result == bot.ask("How long do its flare ups last?", history=history).to_dict()
    assert result["status"] == "answered" and "dermatographism" in result["query"].lower()
    assert ask_sync(app_url, "")["status"] == "invalid"
    schema = httpx.get(app_url + "openapi.json").json()
    assert set(schema["paths"]) == {"/api/ask", "/api/health", "/api/documents"}
    assert {"question", "query", "status", "quotes", "notice", "error", "route", "answerable", "unsure"} <= set(
        schema["components"]["schemas"]["AskResponse"]["properties"]
    )
    assert httpx.get(app_url + "docs").status_code == 200


def test_health_and_documents(app_url, bot):
    health = httpx.get(app_url + "api/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ready" and body["index"]["version"] == bot.index.manifest["version"]
    assert body["model"]["name"] == "all-MiniLM-L6-v2" and body["index"]["counts"]["articles"] == 11
    documents = httpx.get(app_url + "api/documents").json()
    assert documents["version"] == bot.index.manifest["version"]
    assert len(documents["documents"]) == 10  # 11 articles, one a duplicate cited in also_in
    assert any(d["also_in"] == [{"file": "corpus/000_b7428b656690f388.txt", "line": 1}] for d in documents["documents"])


def test_many_visitors_at_once_all_get_their_answers(app_url):
    questions = ["What is dermatographism?", "What is the capital of France?", "I want to kill myself"] * 6
    with ThreadPoolExecutor(len(questions)) as pool:  # threads: this module's Chromium holds the event loop
        statuses = [answer["status"] for answer in pool.map(lambda q: ask_sync(app_url, q), questions)]
    assert statuses == ["answered", "no_answer", "crisis"] * 6


# --- a handler that fails shows a friendly message, and the server lives on -------------------


class BrokenBot:
    index = SimpleNamespace(articles={}, manifest={})
    index_dir = None

    def ask(self, question, history=()):
        raise RuntimeError("the engine broke")


@pytest.fixture(scope="module")
def broken_app_url(tmp_path_factory):
    from chatbot.webapp import AppSettings, create_app

    work = tmp_path_factory.mktemp("broken")
    app = create_app(BrokenBot(), AppSettings(work / "feedback.sqlite3", work / "conversations.sqlite3"))
    with serving_in_thread(app) as url:
        yield url


@pytest.mark.browser
def test_a_quoted_table_is_shown_as_a_table(chromium, tmp_path, embedder):
    from chatbot.webapp import AppSettings, create_app

    bot = bot_over_pages(tmp_path, embedder, {"gout.txt": TABLE_PAGE})
    app = create_app(bot, AppSettings(tmp_path / "feedback.sqlite3", tmp_path / "conversations.sqlite3"))
    with serving_in_thread(app) as url:
        page = open_chat(chromium, url)
        answer = ask(page, "Which medicine lowers uric acid in the blood?")
        table = answer.locator("table.fqb-table")
        assert table.locator("th").all_inner_texts() == ["Medicine", "What it does"]
        assert table.locator("tbody tr").count() == 3 and "|" not in answer.inner_text()
        page.context.close()


@pytest.mark.browser
def test_an_unexpected_error_shows_a_friendly_message(chromium, broken_app_url):
    page = open_chat(chromium, broken_app_url)
    for _ in range(2):  # and the next question still gets an answer from the server
        answer = ask(page, "What is dermatographism?")
        assert plain(ERROR_TEXT) in plain(answer.inner_text())
        assert "the engine broke" not in answer.inner_text()
    page.context.close()


def test_an_unexpected_error_in_the_api_is_a_friendly_error(broken_app_url):
    response = httpx.post(broken_app_url + "api/ask", json={"question": "What is dermatographism?"})
    assert response.status_code == 500 and response.json() == {"detail": ERROR_TEXT}
    assert "the engine broke" not in response.text


# --- escaping and the feedback log, without a browser ----------------------------------------


@given(st.text())
def test_literal_html_shows_exactly_the_text_and_holds_no_markup(text):
    shown = literal(text)
    assert html.unescape(shown.replace("<br>", "\n")) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert not set(shown.replace("<br>", "")) & set("<>\"'`*_[]()$\\\n\r")


def test_crisis_help_comes_before_anything_else():
    answer = Answer(question="x", query="y", status="crisis", notice=CRISIS_NOTICE)
    assert render_answer(answer).startswith(
        '<div class="fqb-answer fqb-status-crisis"><div class="fqb-notice fqb-crisis"'
    )


def test_unsure_quotes_come_after_a_notice_saying_they_may_not_answer():
    quote = Quote("Ketamine was first made in 1962.", "corpus/a.txt", 0, 32, 1, "Ketamine", "", 0.4, (), "", 0)
    shown = {
        unsure: render_answer(Answer("q", "q", "answered", (quote,), answerable=0.3 if unsure else 0.9, unsure=unsure))
        for unsure in (True, False)
    }
    notice = literal(UNSURE_NOTICE)
    assert notice not in shown[False] and "Maybe not an answer" not in shown[False]
    assert shown[True].index("Maybe not an answer") < shown[True].index(notice) < shown[True].index("first made in 1962")


def test_a_quoted_table_is_shown_as_a_table_of_its_literal_cells():
    text = "| Medicine | What it does |\n|---|---|\n| Colchicine | eases a <b>flare</b> |\n| Allopurinol | lowers uric acid |"
    quote = Quote(text, "corpus/gout.txt", 0, len(text), 5, "Gout", "Medicines", 0.6, (), "", 0)
    shown = render_answer(Answer("q", "q", "answered", (quote,), answerable=0.6))
    assert "\n" not in shown and "|" not in shown and "---" not in shown
    assert "<thead><tr><th>Medicine</th><th>What it does</th></tr></thead>" in shown
    assert "<tr><td>Colchicine</td><td>eases a &#60;b&#62;flare&#60;/b&#62;</td></tr>" in shown  # a cell's text stays text
    sentence = Quote("Colchicine | eases a flare.", "corpus/gout.txt", 0, 27, 5, "Gout", "", 0.6, (), "", 0)
    assert "<table" not in render_answer(Answer("q", "q", "answered", (sentence,), answerable=0.6))


def test_the_feedback_store_exports_whole_lines_after_votes_from_many_threads(tmp_path):
    store = FeedbackStore(tmp_path / "new folder" / "feedback.sqlite3")
    nasty = 'line\nbreak\u2028sep\u2029para\x85nel\r "quoted" <b>é</b>'
    answer = {"question": nasty, "query": nasty, "status": "answered", "quotes": [{"text": nasty, "file": "f"}]}

    def vote(n):
        for _ in range(25):
            store.append(feedback_record(answer, "up" if n % 2 else "down", session=str(n), message=1))

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.export(tmp_path / "votes.jsonl") == 200
    lines = (tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    records = [json.loads(line) for line in lines]
    assert all(r["question"] == nasty and r["quotes"][0]["text"] == nasty for r in records)
    assert sorted({r["vote"] for r in records}) == ["down", "up"]


def test_a_vote_must_be_one_of_the_known_votes():
    with pytest.raises(ValueError, match="not one of"):
        feedback_record({}, "maybe")
