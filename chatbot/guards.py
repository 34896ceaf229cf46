"""ASGI middleware of the HTTP app, in front of everything it serves (the JSON API and the mounted
Gradio chat): which routes exist at all, how big a request body may be, and the security headers
of every response. Plain ASGI, so that a refused request costs next to nothing.

>>> app.add_middleware(RouteGuard)     # 404 outside SERVED_ROUTES, 413 over MAX_REQUEST_BYTES
>>> app.add_middleware(SecurityHeaders)
"""

from __future__ import annotations

import json
import re

# The largest request body accepted: a question far over the length cap, or a long history, still
# gets its "too long" answer; a bigger body is refused before it is read into memory or parsed.
MAX_REQUEST_BYTES = 4 * 1024 * 1024

# What the server answers: the JSON API and its documentation, the chat page with its scripts,
# styles and fonts, and the events the page sends (all answered at once, none through Gradio's
# queue: with several workers, a queued event and the stream of its result could reach two
# different processes). Everything else Gradio offers is refused before Gradio sees it: uploading
# and serving files (/upload, /file=: a visitor could store files here, or read what other Gradio
# apps left in the shared upload folder), its queue and REST API, the URL proxy, media streams,
# component servers, deep links, run history (which keeps visitors' questions and can send them
# to the Hugging Face Hub), monitoring and MCP.
SERVED_ROUTES = re.compile(
    r"""/api/(ask|health|documents) | /docs | /openapi\.json
    | /(config/?|theme\.css|favicon\.ico|manifest\.json|robots\.txt|pwa_icon(/\d+)?)?
    | /(assets|static)/.+
    | /gradio_api/(info/?|theme\.css|startup-events|heartbeat/[^/]+|run/predict/?)""",
    re.X,
)

# The chat page runs Gradio's scripts (inline bootstrap included) and styles, and talks only to
# this server; nothing may frame it. /docs loads Swagger UI from the CDN FastAPI uses by default.
_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'{extra}; style-src 'self' 'unsafe-inline'{extra}; "
    "img-src 'self' data: blob:{img}; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP = _CSP.format(extra="", img="")
DOCS_CSP = _CSP.format(extra=" https://cdn.jsdelivr.net", img=" https://fastapi.tiangolo.com")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def _path(scope) -> str:
    """The decoded path, as the router matches it (so %-encoding cannot slip past)."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


class RouteGuard:
    """Only `SERVED_ROUTES` are answered (404 otherwise, websockets closed), and request bodies
    over `max_bytes` are refused (413) before the app reads them."""

    def __init__(self, app, max_bytes: int = MAX_REQUEST_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if not SERVED_ROUTES.fullmatch(_path(scope)):
            return await refuse(send, 404, "Not Found")
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return await refuse(send, 413, f"Request body over {self.max_bytes:,} bytes")
        # Read the whole body first (chunked bodies carry no length), then hand it to the app.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await refuse(send, 413, f"Request body over {self.max_bytes:,} bytes")
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()  # the app waits here to learn of a disconnect
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` and a Content-Security-Policy to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = (DOCS_CSP if _path(scope) == "/docs" else CSP).encode()

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in [*SECURITY_HEADERS, (b"content-security-policy", csp)] if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await self.app(scope, receive, with_headers)


async def refuse(send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    """A JSON error response, {"detail": ...}, sent straight to the client."""
    content = json.dumps({"detail": detail}).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": content})
