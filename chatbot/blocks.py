"""The chat page: Gradio Blocks over a loaded `Chatbot`, mounted into the HTTP app (`webapp.py`),
which owns routing, limits and headers. Every event is answered at once (no Gradio queue) and the
page keeps nothing in the process: a visitor's conversation is in the `ConversationStore`, so any
worker can answer any event of any visitor.

>>> blocks = build_blocks(Chatbot.load(), FeedbackStore(path), ConversationStore(path2), RateLimiter(60))
"""

# No `from __future__ import annotations` here: Gradio recognises the gr.Request, gr.LikeData and
# gr.SelectData parameters of handlers by their annotations, which must be real types.
import logging

from .conversations import Conversation, ConversationStore
from .feedback import FeedbackStore, feedback_record, voted_answer
from .gradio_loading import import_gradio
from .ratelimit import RateLimiter
from .rendering import (
    EXAMPLES,
    FEEDBACK_NOTE,
    HEADER,
    PLACEHOLDER,
    TITLE,
    VOTE_ERROR_TEXT,
    literal,
    render_answer,
    render_documents,
    render_error,
    render_question,
    render_too_fast,
)

log = logging.getLogger(__name__)


def _client(request) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


def _session(request) -> str:
    return str(getattr(request, "session_hash", None) or "")


def build_blocks(bot, feedback: FeedbackStore, conversations: ConversationStore, limiter: RateLimiter):
    """The Gradio Blocks of the chat (not launched: `webapp.create_app` mounts them)."""
    gr = import_gradio()

    def respond(text, messages, request: gr.Request):
        """Chat handler: answer the typed question with the conversation's earlier questions."""
        text = text if isinstance(text, str) else ""
        messages = list(messages) if isinstance(messages, list) else []
        if not text.strip():
            return messages, ""
        messages.append({"role": "user", "content": render_question(text)})
        wait = limiter.wait("ask", _client(request))
        if wait is not None:  # the question stays in the box, to send again
            return [*messages, {"role": "assistant", "content": render_too_fast(wait)}], text
        session = _session(request)
        try:
            conversation = conversations.get(session)
            answer = bot.ask(text, history=list(conversation.questions))
            content = render_answer(answer)
            questions = conversation.questions + ((answer.question,) if answer.status != "invalid" else ())
            answers = {**conversation.answers, len(messages): voted_answer(answer.to_dict())}
            conversations.put(session, Conversation(questions, answers))
        except Exception:
            log.exception("the chat handler failed on a question")
            content = render_error()
        messages.append({"role": "assistant", "content": content})
        return messages, ""

    def vote(data: gr.LikeData, request: gr.Request):
        """Feedback handler: record the vote with the answer this conversation got (never what
        the browser claims the answer was)."""
        try:
            if limiter.wait("vote", _client(request)) is not None:
                gr.Warning("You are voting faster than we can take votes: please wait a minute.")
                return
            index = data.index[0] if isinstance(data.index, list | tuple) else data.index
            # type() and not isinstance(): True would name message 1 (True == 1 in Python)
            session = _session(request)
            answer = conversations.get(session).answers.get(index) if type(index) is int else None
            if answer is None:
                return
            choice = {True: "up", False: "down", "Like": "up", "Dislike": "down"}.get(data.liked, "withdrawn")
            feedback.append(feedback_record(answer, choice, session=session, message=index))
        except Exception:
            log.exception("could not save a vote to %s", feedback.path)
            gr.Warning(VOTE_ERROR_TEXT)

    def pick_example(data: gr.SelectData):
        value = data.value
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    def clear(request: gr.Request):
        conversations.forget(_session(request))
        return [], ""

    with gr.Blocks(title=TITLE, analytics_enabled=False) as blocks:
        # gr.Markdown, not gr.HTML: Gradio 6's HTML component evaluates templates with new Function(),
        # which the Content-Security-Policy (no 'unsafe-eval') forbids. Our HTML is all escaped text.
        gr.Markdown(HEADER, latex_delimiters=[])
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
                    gr.Markdown(f'<p class="fqb-note">{literal(FEEDBACK_NOTE)}</p>', latex_delimiters=[])
            with gr.Tab("Documents", id="documents"):
                documents = gr.Markdown(render_documents(bot.index), latex_delimiters=[], elem_id="fqb-documents")

        # queue=False everywhere: one request, one response, which any worker can answer.
        direct = {"queue": False, "api_visibility": "private"}
        chat_io = {"fn": respond, "inputs": [question, chat], "outputs": [chat, question], **direct}
        question.submit(**chat_io)
        send.click(**chat_io)
        chat.example_select(pick_example, None, question, **direct).then(**chat_io)
        chat.like(vote, None, None, **direct)
        reset.click(clear, None, [chat, question], **direct)
        chat.clear(clear, None, [chat, question], **direct)
        # Rendered again on each page load: a running server may have switched to a rebuilt index.
        blocks.load(lambda: render_documents(bot.index), None, documents, show_progress="hidden", **direct)
    return blocks


def theme():
    """Gradio's default look, with its bundled fonts (nothing is fetched from the web) in the
    weights whose files hold every glyph: Gradio's semibold files are small subsets that lack
    some letters, so bold text uses the full bold files."""
    gr = import_gradio()

    return gr.themes.Default(
        primary_hue="emerald",
        neutral_hue="slate",
        font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif", "sans-serif"],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700)), "ui-monospace", "monospace"],
    )
