"""The chat in the browser (Gradio): a visitor's question in, quotes with their sources out.

>>> from chatbot.ui import serve
>>> serve(port=8000)   # loads the model and index once, then serves http://127.0.0.1:8000

Everything shown is escaped here, whoever wrote it (visitor or corpus): messages are built as
single-line HTML in which no text can become markup, Markdown or LaTeX.
"""

import importlib
import json
import logging
import re
import sys
import threading
from pathlib import Path, PurePosixPath

from .answers import Answer, Quote, Status
from .feedback import FeedbackLog, default_feedback_path, feedback_record

log = logging.getLogger(__name__)

TITLE = "Fibro Quote Bot"
HEADER = f"""
<div class="fqb-header">
  <h1>{TITLE}</h1>
  <p>Questions about <strong>fibromyalgia</strong> and <strong>ketamine therapy</strong>, answered only
  with sentences <strong>quoted word for word</strong> from the web articles listed under
  <em>Documents</em>, each with its source.</p>
  <p class="fqb-disclaimer">These are quotes from web articles, <strong>not medical advice</strong>.
  Ask your doctor about your own health. In an emergency, call your local emergency number
  (in the US, call or text 988).</p>
</div>
"""
PLACEHOLDER = "Ask a question, or pick one below. Answers are quotes from the documents, with their sources."
EXAMPLES = (
    "What is dermatographism?",
    "When was ketamine first discovered?",
    "Is fibromyalgia hereditary?",
    "What are the side effects of ketamine therapy?",
    "Can a nerve block help fibromyalgia?",
)
FEEDBACK_NOTE = (
    "The thumbs under an answer tell the maintainers whether its quotes helped: the question, the "
    "quotes and your vote are saved in a log on this server, nothing else."
)
ERROR_TEXT = "Sorry, something went wrong on our side while answering. Please try again."
VOTE_ERROR_TEXT = "Sorry, your vote could not be saved."
# Shown in the chat; longer input is cut for display only (the engine reports it as too long).
MAX_SHOWN_CHARS = 2000
CONCURRENCY = 4  # answers computed at once; more visitors wait in the queue
MAX_QUEUE = 200
# Conversations Gradio keeps in memory (~100 KB each; the least recently used is dropped first).
STATE_SESSIONS = 1000
# The largest request body accepted: a question far over the length cap, or a long history, still
# gets its "too long" answer; a bigger body is refused before it is read into memory or parsed.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
# What the server answers: the page with its scripts, styles and fonts, and the events the page
# and the /ask API use. Everything else Gradio offers is refused before Gradio sees it: uploading
# and serving files (/upload, /file=: a visitor could store files here, or read what other Gradio
# apps left in the shared upload folder), the URL proxy, media streams, component servers,
# deep links, run history (which keeps visitors' questions and can send them to the Hugging Face
# Hub), monitoring and FastAPI's schema.
SERVED_ROUTES = re.compile(
    r"""/(config/?|theme\.css|favicon\.ico|manifest\.json|robots\.txt|pwa_icon(/\d+)?)?
    | /(assets|static)/.+
    | /gradio_api/(info/?|openapi\.json|theme\.css|startup-events|heartbeat/[^/]+
                   |queue/(join|data|status)|cancel|reset/?|run/predict/?|call/.+)""",
    re.X,
)

STATUS_LABELS = {
    Status.CRISIS: "Please get help now",
    Status.ADVICE: "Not medical advice",
    Status.NO_ANSWER: "No answer in the documents",
    Status.INVALID: "Please check your question",
}

CSS = """
.fqb-header h1 { margin: 0 0 .25rem 0; font-size: 1.6rem; }
.fqb-header p { margin: .2rem 0; }
.fqb-disclaimer { color: var(--body-text-color-subdued); font-size: .92rem; }
.fqb-note { color: var(--body-text-color-subdued); font-size: .85rem; }
.fqb-searching { color: var(--body-text-color-subdued); font-size: .9rem; margin: 0 0 .5rem 0; }
.fqb-searching q { font-style: italic; }
.fqb-notice { border-radius: 8px; padding: .6rem .8rem; margin: 0 0 .6rem 0; border-left: 5px solid; }
.fqb-notice strong { display: block; margin-bottom: .15rem; }
.fqb-crisis { background: #fde8e8; border-color: #c81e1e; color: #771d1d; font-size: 1.05rem; }
.fqb-advice { background: #fdf6b2; border-color: #c27803; color: #723b13; }
.fqb-none, .fqb-invalid { background: #f3f4f6; border-color: #9ca3af; color: #374151; }
.fqb-error { background: #fde8e8; border-color: #9b1c1c; color: #771d1d; }
.fqb-quote { margin: 0 0 .9rem 0; }
.fqb-quote blockquote { margin: 0; padding: .35rem .8rem; border-left: 4px solid #0e9f6e;
  background: rgba(14, 159, 110, .06); font-size: 1rem; }
.fqb-source { font-size: .85rem; color: #4b5563; margin: .3rem 0 0 .9rem; }
.fqb-source cite { font-style: normal; font-weight: 600; }
.fqb-source code { font-size: .8rem; }
.fqb-context { margin: .25rem 0 0 .9rem; font-size: .88rem; }
.fqb-context summary { cursor: pointer; color: var(--link-text-color); }
.fqb-context p { margin: .35rem 0 0 0; padding: .4rem .6rem; border: 1px solid var(--border-color-primary);
  border-radius: 6px; }
.fqb-context mark { background: #fce96a; color: inherit; padding: 0 .1rem; }
.fqb-doc { border-bottom: 1px solid var(--border-color-primary); padding: .6rem 0; }
.fqb-doc h3 { margin: 0 0 .2rem 0; font-size: 1.05rem; }
.fqb-doc p { margin: .1rem 0; font-size: .9rem; }
.fqb-doc-file { color: #4b5563; }
.fqb-doc code { font-size: .82rem; }
"""

# HTML's special characters, and those that Markdown, autolinks or LaTeX would act on, as entities.
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$:"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def literal(text: str) -> str:
    """`text` as HTML that shows exactly these characters, whatever they are. Newlines become
    <br>, so a message stays one line (a blank line would end the HTML block and let Markdown in)."""
    return _NEWLINE.sub("<br>", text.translate(_ENTITIES))


def file_name(file: str) -> str:
    return PurePosixPath(file).name


def render_question(text: str) -> str:
    shown = text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"
    return f'<div class="fqb-question">{literal(shown)}</div>'


def render_source(quote: Quote) -> str:
    where = f"<cite>{literal(quote.title or file_name(quote.file))}</cite>"
    if quote.section:
        where += f" › {literal(quote.section)}"
    parts = [where, f"<code>{literal(quote.file)}</code>, line {quote.line}"]
    parts += [f"also in <code>{literal(loc.file)}</code>, line {loc.line}" for loc in quote.also_in]
    return '<p class="fqb-source">— ' + " · ".join(parts) + "</p>"


def render_context(quote: Quote) -> str:
    """The passage with the quote marked, or "" when the passage is the quote alone."""
    context = quote.context or ""
    at = quote.start - quote.context_start
    if not (0 <= at and context[at : at + len(quote.text)] == quote.text):
        at = context.find(quote.text)
    if at < 0 or context.strip() == quote.text.strip():
        return ""
    end = at + len(quote.text)
    marked = f"{literal(context[:at])}<mark>{literal(quote.text)}</mark>{literal(context[end:])}"
    return f'<details class="fqb-context"><summary>Show in context</summary><p>{marked}</p></details>'


def render_quote(quote: Quote) -> str:
    return (
        f'<figure class="fqb-quote"><blockquote>“{literal(quote.text)}”</blockquote>'
        f"{render_source(quote)}{render_context(quote)}</figure>"
    )


def render_notice(kind: str, css_class: str, text: str, role: str = "note") -> str:
    label = STATUS_LABELS.get(kind, "")
    heading = f"<strong>{literal(label)}</strong>" if label else ""
    return f'<div class="fqb-notice {css_class}" role="{role}">{heading}{literal(text)}</div>'


def render_answer(answer: Answer) -> str:
    """An answer as one line of HTML: crisis help first, then what was searched, the advice
    notice, the quotes with their sources, or the no-answer notice."""
    parts = []
    if answer.status == Status.INVALID:
        parts.append(render_notice(Status.INVALID, "fqb-invalid", answer.error or ERROR_TEXT))
    if answer.status == Status.CRISIS:
        parts.append(render_notice(Status.CRISIS, "fqb-crisis", answer.notice or "", role="alert"))
    if answer.query and answer.query != answer.question:
        parts.append(f'<p class="fqb-searching">Searching for: <q>{literal(answer.query)}</q></p>')
    if answer.status == Status.ADVICE:
        parts.append(render_notice(Status.ADVICE, "fqb-advice", answer.notice or ""))
    parts += [render_quote(q) for q in answer.quotes]
    if answer.status == Status.NO_ANSWER:
        parts.append(render_notice(Status.NO_ANSWER, "fqb-none", answer.notice or ""))
    return f'<div class="fqb-answer fqb-status-{answer.status}">' + "".join(parts) + "</div>"


def render_error() -> str:
    return f'<div class="fqb-answer"><div class="fqb-notice fqb-error" role="alert">{literal(ERROR_TEXT)}</div></div>'


def render_documents(index) -> str:
    """The corpus articles: title, file and line, where else they appear, and their sections."""
    articles = [a for a in index.articles.values() if not a.duplicate_of]
    files = sorted({a.file for a in index.articles.values()})
    items = []
    for a in articles:
        title = literal(a.title) if a.title else f"<em>Untitled article in {literal(file_name(a.file))}</em>"
        where = [f"<code>{literal(a.file)}</code>, line {a.line}"]
        for other_id in a.also_in:
            other = index.articles.get(other_id)
            if other:
                where.append(f"also in <code>{literal(other.file)}</code>, line {other.line}")
        headings = [literal(s.heading) for s in a.sections if s.heading]
        sections = f'<p class="fqb-doc-sections">Sections: {" · ".join(headings)}</p>' if headings else ""
        items.append(
            f'<div class="fqb-doc"><h3>{title}</h3><p class="fqb-doc-file">{" · ".join(where)}</p>{sections}</div>'
        )
    return (
        f'<div class="fqb-docs"><p>The chat quotes only these {len(articles)} articles, '
        f"from {len(files)} files in <code>corpus/</code>. It cannot answer what they do not cover.</p>"
        f"{''.join(items)}</div>"
    )


def _new_session() -> dict:
    # messages: what the Chatbot shows; questions: valid previous questions (the history the
    # engine resolves follow-ups against); answers: message index -> answer dict, for votes.
    return {"messages": [], "questions": [], "answers": {}}


def build_app(bot, feedback_path: Path | None = None):
    """The Gradio app over a loaded `Chatbot`. Launch it with `CSS` (see `serve`).

    >>> app = build_app(Chatbot.load(), Path("feedback.jsonl"))
    """
    import gradio as gr

    feedback = FeedbackLog(feedback_path or default_feedback_path())

    def respond(text, session):
        """Chat handler: answer the typed question with the session's earlier questions."""
        text = text if isinstance(text, str) else ""
        session = session or _new_session()
        if not text.strip():
            return session["messages"], session, ""
        messages = [*session["messages"], {"role": "user", "content": render_question(text)}]
        questions, answers = list(session["questions"]), dict(session["answers"])
        try:
            answer = bot.ask(text, history=questions)
            content = render_answer(answer)
            answers[len(messages)] = answer.to_dict()
            if answer.status != Status.INVALID:
                questions.append(answer.question)
        except Exception:
            log.exception("the chat handler failed on a question")
            content = render_error()
        messages.append({"role": "assistant", "content": content})
        return messages, {"messages": messages, "questions": questions, "answers": answers}, ""

    def vote(session, data: gr.LikeData, request: gr.Request):
        """Feedback handler: log the vote with the answer this session got (never what the
        browser claims the answer was)."""
        try:
            index = data.index[0] if isinstance(data.index, list | tuple) else data.index
            # type() and not isinstance(): True would name message 1 (True == 1 in Python)
            answer = (session or {}).get("answers", {}).get(index) if type(index) is int else None
            if answer is None:
                return
            choice = {True: "up", False: "down", "Like": "up", "Dislike": "down"}.get(data.liked, "withdrawn")
            session_id = getattr(request, "session_hash", None) if request else None
            feedback.append(feedback_record(answer, choice, session=session_id, message=index))
        except Exception:
            log.exception("could not save a vote to %s", feedback.path)
            gr.Warning(VOTE_ERROR_TEXT)

    def pick_example(data: gr.SelectData):
        value = data.value
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    def clear():
        return [], _new_session(), ""

    def ask(question: str, history: list[str] | None = None, request: gr.Request = None) -> dict:
        """Answer one question by quoting the documents. `history` holds the previous questions of
        the conversation, oldest first. Returns the same JSON as `python -m chatbot ask --json`."""
        if isinstance(history, str):
            history = [history]
        elif not isinstance(history, list | tuple):
            history = []
        try:
            return bot.ask(question, history=[h for h in history if isinstance(h, str)]).to_dict()
        except Exception as exc:
            log.exception("the API handler failed on a question")
            raise gr.Error(ERROR_TEXT) from exc
        finally:
            forget_session(app, getattr(request, "session_hash", None))

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        session = gr.State(_new_session())
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat = gr.Chatbot(
                    label="Answers quoted from the documents",
                    show_label=False,
                    height="68vh",
                    min_height=420,
                    placeholder=PLACEHOLDER,
                    examples=[{"text": q} for q in EXAMPLES],
                    feedback_options=("Like", "Dislike"),
                    latex_delimiters=[],
                    sanitize_html=True,
                    allow_tags=False,
                    buttons=[],
                    elem_id="fqb-chat",
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Type a question about fibromyalgia or ketamine therapy…",
                        lines=1,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                        elem_id="fqb-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="fqb-ask")
                with gr.Row():
                    reset = gr.Button("Clear conversation", size="sm", scale=0, min_width=170, elem_id="fqb-clear")
                    gr.HTML(f'<p class="fqb-note">{literal(FEEDBACK_NOTE)}</p>')
            with gr.Tab("Documents", id="documents"):
                documents = gr.HTML(render_documents(bot.index), elem_id="fqb-documents")

        private = {"api_visibility": "private"}
        chat_io = {"fn": respond, "inputs": [question, session], "outputs": [chat, session, question], **private}
        question.submit(**chat_io)
        send.click(**chat_io)
        chat.example_select(pick_example, None, question, queue=False, **private).then(**chat_io)
        chat.like(vote, [session], None, queue=False, **private)
        reset.click(clear, None, [chat, session, question], queue=False, **private)
        chat.clear(clear, None, [chat, session, question], queue=False, **private)
        # Rendered again on each page load: a running server may have switched to a rebuilt index.
        app.load(lambda: render_documents(bot.index), None, documents, queue=False, show_progress="hidden", **private)
        gr.api(ask, api_name="ask")
    return app


class RouteGuard:
    """ASGI middleware in front of Gradio: only `SERVED_ROUTES` are answered (404 otherwise), and
    request bodies over `MAX_REQUEST_BYTES` are refused (413) before the app reads them."""

    def __init__(self, app, max_bytes: int = MAX_REQUEST_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        # The decoded path, as the router matches it (so %-encoding cannot slip past).
        path, root = scope["path"], scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        if scope["type"] == "websocket" or not SERVED_ROUTES.fullmatch(path):
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await _refuse(send, 404, "Not Found")
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return await _refuse(send, 413, f"Request body over {self.max_bytes:,} bytes")
        # Read the whole body first (chunked bodies carry no length), then hand it to the app.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await _refuse(send, 413, f"Request body over {self.max_bytes:,} bytes")
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()  # the app waits here to learn of a disconnect
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


async def _refuse(send, status: int, detail: str) -> None:
    content = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def blocked_paths(*paths: Path | None) -> list[str]:
    """Folders Gradio must never serve a file from, even if `GRADIO_ALLOWED_PATHS` says otherwise:
    its upload folder, the repository (source, corpus), the index and the feedback log's folder."""
    from gradio.utils import get_upload_folder

    from indexer.paths import REPO_ROOT

    folders = [Path(get_upload_folder()), REPO_ROOT, *(p for p in paths if p is not None)]
    return sorted({str(Path(p).resolve()) for p in folders})


def forget_session(app, session_hash: str | None) -> None:
    """Drop what Gradio keeps for a session: a copy of every component's settings (~100 KB),
    kept until `state_session_capacity` newer sessions push it out. Each REST call to /ask is a
    new session, and /ask needs none of it afterwards."""
    import anyio.from_thread

    holder = getattr(app, "state_holder", None)
    if session_hash is None or holder is None:
        return

    def drop():
        try:
            with holder.lock:
                holder.session_data.pop(session_hash, None)
                holder.time_last_used.pop(session_hash, None)
        except AttributeError:  # another Gradio version keeps sessions otherwise
            log.debug("cannot free Gradio session %s", session_hash)

    try:
        # On the event loop's thread: Gradio walks its sessions there every second, and a session
        # vanishing between two of its steps would stop that walk for good.
        anyio.from_thread.run_sync(drop)
    except RuntimeError:  # not called from one of the event loop's worker threads
        drop()


def theme():
    """Gradio's default look, with its bundled fonts (nothing is fetched from the web) in the
    weights whose files hold every glyph: Gradio's semibold files are small subsets that lack
    some letters, so bold text uses the full bold files."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="emerald",
        neutral_hue="slate",
        font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif", "sans-serif"],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700)), "ui-monospace", "monospace"],
    )


def serve(
    index_dir: Path | None = None,
    model_path: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 7860,
    feedback_path: Path | None = None,
    concurrency: int = CONCURRENCY,
) -> None:
    """Load the model and index once, then serve the chat until interrupted (a rebuilt index is
    picked up while running)."""
    from indexer import default_index_dir

    from .engine import Chatbot

    print("Loading the model and the index…", file=sys.stderr, flush=True)
    # Importing Gradio (~4 s) overlaps loading the model (~8 s): the chat is up that much sooner.
    gradio_import = threading.Thread(target=importlib.import_module, args=("gradio",), daemon=True)
    gradio_import.start()
    bot = Chatbot.load(index_dir, model_path)
    bot.watch()  # switch to a newly published index version within seconds of a rebuild
    gradio_import.join()
    from starlette.middleware import Middleware  # installed with Gradio

    feedback_path = Path(feedback_path or default_feedback_path())
    app = build_app(bot, feedback_path)
    # api_open=False: /ask is answered through the queue only, so its limits hold for everyone.
    app.queue(default_concurrency_limit=concurrency, max_size=MAX_QUEUE, api_open=False)
    try:
        _, url, _ = app.launch(
            server_name=host,
            server_port=port,
            share=False,
            ssr_mode=False,
            mcp_server=False,
            quiet=True,
            show_error=False,
            prevent_thread_lock=True,
            footer_links=["api"],
            theme=theme(),
            css=CSS,
            enable_monitoring=False,
            run_history=False,  # it would keep visitors' health questions in the browser
            state_session_capacity=STATE_SESSIONS,
            max_file_size=0,  # nothing is ever uploaded (and the upload route is refused anyway)
            blocked_paths=blocked_paths(index_dir or default_index_dir(), feedback_path.parent),
            app_kwargs={"middleware": [Middleware(RouteGuard)], "openapi_url": None},
        )
    except OSError as exc:
        raise SystemExit(
            f"error: cannot listen on {host}:{port}: the port is in use, or {host} is not an address of "
            "this machine; choose another with --port or --host"
        ) from exc
    print(f"Chat running at {url} (feedback log: {feedback_path}). Press Ctrl+C to stop.", flush=True)
    app.block_thread()
