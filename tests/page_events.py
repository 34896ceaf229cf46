"""The chat page's own events, sent as the page sends them (POST /gradio_api/run/predict with a
session id of our choosing): for tests that need crafted sessions, votes and texts.

>>> answer_and_vote(url, "session-1", [True, False])   # ask, then vote up, then down
"""

from __future__ import annotations

import httpx

from eval.load import page_event, post_page_event

NORMAL = "What is dermatographism?"


class Page:
    """One visitor's page: its session id and the ids of the events it sends."""

    def __init__(self, url: str, session: str, client: httpx.Client | None = None):
        config = httpx.get(url + "config").json()
        self.url, self.session, self.client = url, session, client
        self.respond, self.box = page_event(config, "fqb-question", "submit")
        self.like, self.chat = page_event(config, "fqb-chat", "like")
        self.messages: list = []

    def ask(self, question: str) -> httpx.Response:
        body = {"data": [question, self.messages], "fn_index": self.respond, "trigger_id": self.box, "session_hash": self.session}
        response = post_page_event(self.url, body, self.client)
        if response.status_code == 200:
            self.messages = response.json()["data"][0]
        return response

    def vote(self, liked, index: object = 1, session: str | None = None, **event_data) -> httpx.Response:
        data = {"index": index, "value": 'a forged answer\n{"vote": "up"}', "liked": liked, **event_data}
        body = {"data": [], "event_data": data, "fn_index": self.like, "trigger_id": self.chat, "session_hash": session or self.session}
        return post_page_event(self.url, body, self.client)


def answer_and_vote(url: str, session: str, liked: list, question: str = NORMAL) -> None:
    """As the page does it, in session `session`: ask `question`, then vote on the answer once per
    value in `liked`."""
    page = Page(url, session)
    assert page.ask(question).status_code == 200
    for value in liked:
        assert page.vote(value).status_code == 200
