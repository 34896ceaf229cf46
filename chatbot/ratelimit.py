"""Per-client rate limits (a moving window per minute, with the `limits` library): what the HTTP
app checks before an ask or a vote, whichever way it comes (JSON API or the chat page).

>>> limiter = RateLimiter(per_minute=30)
>>> limiter.wait("ask", "127.0.0.1")     # None: go ahead; else the seconds to wait
"""

from __future__ import annotations

import math
import os
import time

DEFAULT_PER_MINUTE = 60


def default_rate_limit() -> int:
    """`$CHATBOT_RATE_LIMIT` (asks, and votes, per client per minute; 0 turns limits off), else 60."""
    value = os.environ.get("CHATBOT_RATE_LIMIT", "").strip()
    if not value:
        return DEFAULT_PER_MINUTE
    if not value.isdigit():
        raise ValueError(f"$CHATBOT_RATE_LIMIT is {value!r}: it must be a whole number of requests per minute (0 = no limit)")
    return int(value)


class RateLimiter:
    """At most `per_minute` actions of one kind ("ask", "vote") per client in any 60 seconds;
    `per_minute=0` allows everything. Thread-safe. Each process keeps its own counts: with
    `--workers N` a client can get up to N times the limit, if its requests reach every worker."""

    def __init__(self, per_minute: int = DEFAULT_PER_MINUTE):
        if per_minute < 0:
            raise ValueError(f"per_minute is {per_minute}: it must be 0 (no limit) or more")
        self.per_minute = per_minute
        self._strategy = None
        self._item = None
        if per_minute:
            from limits import RateLimitItemPerMinute
            from limits.storage import MemoryStorage
            from limits.strategies import MovingWindowRateLimiter

            self._strategy = MovingWindowRateLimiter(MemoryStorage())
            self._item = RateLimitItemPerMinute(per_minute)

    def wait(self, action: str, client: str) -> int | None:
        """Count one `action` by `client`: None when allowed, else the whole seconds until it
        would be (at least 1), for a Retry-After header."""
        if self._strategy is None:
            return None
        if self._strategy.hit(self._item, action, client):
            return None
        reset = self._strategy.get_window_stats(self._item, action, client).reset_time
        return max(1, math.ceil(reset - time.time()))
