"""The safety router: decides, before anything is retrieved, whether a message is a crisis, a
request for personal medical advice, or an ordinary question, and says why.

The engine encodes every text the router asks for together with the search query, in one call,
and hands the router those vectors: the router never encodes anything itself.

>>> router = Router()
>>> texts = router.texts("How much ketamine should I take?")
>>> router.decide(texts, encoder.encode(texts))
Route(kind=<RouteKind.ADVICE: 'advice'>, rule='personal dosing', probability=None)
"""

from __future__ import annotations

import numpy as np

from .answers import Route, RouteKind
from .safety import route as rule_route


class Router:
    """Rules first (precise, with readable names)."""

    def texts(self, message: str) -> list[str]:
        """The texts whose vectors the decision needs: the message first."""
        return [message]

    def decide(self, texts: list[str], vectors: np.ndarray | None = None) -> Route:
        """The decision for a message, given `texts(message)` and their vectors (row i = texts[i])."""
        kind, rule = rule_route(texts[0])
        return Route(RouteKind(kind) if kind else None, rule, None)
