"""The chatbot: answers questions only by quoting the documents, with sources.

>>> from chatbot import Chatbot
>>> Chatbot.load().ask("When was ketamine first discovered?").quotes[0].text
"""

from .answers import STATUSES, Answer, Quote, Route, RouteKind, Status
from .engine import Chatbot
from .settings import AnswerSettings

__all__ = ["STATUSES", "Answer", "AnswerSettings", "Chatbot", "Quote", "Route", "RouteKind", "Status"]
