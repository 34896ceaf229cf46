"""The chat's HTML: answers, questions, notices and the documents list, as single-line HTML in
which no text can become markup, Markdown or LaTeX, whoever wrote it (visitor or corpus).

>>> render_answer(Chatbot.load().ask("What is dermatographism?"))
'<div class="fqb-answer fqb-status-answered"><figure class="fqb-quote">…'
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from indexer.segmenting import table_cells

from .answers import UNSURE_NOTICE, Answer, Quote, Status

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
  <p class="fqb-note">For programs: a JSON API at <code>/api/ask</code>, described at <a href="docs">/docs</a>.</p>
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
# The heading of each notice: one per status that has one, and the caution on unsure quotes.
NOTICE_LABELS = {
    Status.CRISIS: "Please get help now",
    Status.ADVICE: "Not medical advice",
    Status.NO_ANSWER: "No answer in the documents",
    Status.INVALID: "Please check your question",
    "unsure": "Maybe not an answer",
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
.fqb-none, .fqb-invalid, .fqb-unsure { background: #f3f4f6; border-color: #9ca3af; color: #374151; }
.fqb-error { background: #fde8e8; border-color: #9b1c1c; color: #771d1d; }
.fqb-quote { margin: 0 0 .9rem 0; }
.fqb-quote blockquote { margin: 0; padding: .35rem .8rem; border-left: 4px solid #0e9f6e;
  background: rgba(14, 159, 110, .06); font-size: 1rem; }
.fqb-table { border-collapse: collapse; margin: .2rem 0; font-size: .95rem; }
.fqb-table th, .fqb-table td { border: 1px solid var(--border-color-primary); padding: .2rem .5rem; text-align: left; }
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


def render_table(cells: list[list[str]]) -> str:
    """A Markdown table's cells (`table_cells`: the header row first) as an HTML table."""
    header, *rows = cells
    head = "".join(f"<th>{literal(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{literal(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="fqb-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_quote(quote: Quote) -> str:
    """The quote word for word, in quotation marks; a quoted Markdown table as the table it is."""
    cells = table_cells(quote.text)
    shown = render_table(cells) if cells else f"“{literal(quote.text)}”"
    return (
        f'<figure class="fqb-quote"><blockquote>{shown}</blockquote>'
        f"{render_source(quote)}{render_context(quote)}</figure>"
    )


def render_notice(kind: str, css_class: str, text: str, role: str = "note") -> str:
    label = NOTICE_LABELS.get(kind, "")
    heading = f"<strong>{literal(label)}</strong>" if label else ""
    return f'<div class="fqb-notice {css_class}" role="{role}">{heading}{literal(text)}</div>'


def render_answer(answer: Answer) -> str:
    """An answer as one line of HTML: crisis help first, then what was searched, the advice
    notice or the notice that the quotes may not answer, the quotes with their sources, or the
    no-answer notice."""
    parts = []
    if answer.status == Status.INVALID:
        parts.append(render_notice(Status.INVALID, "fqb-invalid", answer.error or ERROR_TEXT))
    if answer.status == Status.CRISIS:
        parts.append(render_notice(Status.CRISIS, "fqb-crisis", answer.notice or "", role="alert"))
    if answer.query and answer.query != answer.question:
        parts.append(f'<p class="fqb-searching">Searching for: <q>{literal(answer.query)}</q></p>')
    if answer.status == Status.ADVICE:
        parts.append(render_notice(Status.ADVICE, "fqb-advice", answer.notice or ""))
    if answer.unsure:
        parts.append(render_notice("unsure", "fqb-unsure", UNSURE_NOTICE))
    parts += [render_quote(q) for q in answer.quotes]
    if answer.status == Status.NO_ANSWER:
        parts.append(render_notice(Status.NO_ANSWER, "fqb-none", answer.notice or ""))
    return f'<div class="fqb-answer fqb-status-{answer.status}">' + "".join(parts) + "</div>"


def too_fast_text(seconds: int) -> str:
    """What a visitor over the rate limit is told (the chat, and the JSON API's 429 detail)."""
    return f"You are asking faster than this chat can answer everyone. Please wait {seconds} seconds and ask again."


def render_too_fast(seconds: int) -> str:
    return f'<div class="fqb-answer"><div class="fqb-notice fqb-invalid" role="note">{literal(too_fast_text(seconds))}</div></div>'


def render_error() -> str:
    return f'<div class="fqb-answer"><div class="fqb-notice fqb-error" role="alert">{literal(ERROR_TEXT)}</div></div>'


def render_documents(index) -> str:
    """The corpus articles: title, other names of their subject, file and line, where else they
    appear, and their sections."""
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
        names = f'<p class="fqb-doc-names">Also called: {literal("; ".join(a.names))}</p>' if a.names else ""
        headings = [literal(s.heading) for s in a.sections if s.heading]
        sections = f'<p class="fqb-doc-sections">Sections: {" · ".join(headings)}</p>' if headings else ""
        items.append(
            f'<div class="fqb-doc"><h3>{title}</h3>{names}<p class="fqb-doc-file">{" · ".join(where)}</p>{sections}</div>'
        )
    return (
        f'<div class="fqb-docs"><p>The chat quotes only these {len(articles)} articles, '
        f"from {len(files)} files in <code>corpus/</code>. It cannot answer what they do not cover.</p>"
        f"{''.join(items)}</div>"
    )
