"""Gradio imported without its type-stub writer (chatbot.gradio_loading), in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from chatbot.gradio_loading import import_gradio, _no_stub
gr = import_gradio()
import gradio.component_meta as meta
assert meta.create_or_modify_pyi is _no_stub, meta.create_or_modify_pyi
with gr.Blocks() as blocks:
    box = gr.Textbox(label="Question")
    gr.Chatbot()
assert box.label == "Question"
assert import_gradio() is gr
print("ok")
"""


def test_gradio_imports_without_the_stub_writer_and_builds_blocks():
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
