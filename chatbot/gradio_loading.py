"""Importing Gradio without its type-stub writer.

Gradio's component metaclass (`gradio.component_meta.create_or_modify_pyi`) parses the source of
every component class with `ast`, renders a Jinja template, and reads (on a fresh install: writes)
a `.pyi` stub beside it in site-packages, on every import of `gradio`: about half of the import
(measured: 2.5 s → 1.2 s on this machine). The stubs serve type checkers only; a server never
needs them. `import_gradio` replaces that one function with a no-op as its module is loaded. If a
Gradio release renames or drops it, nothing is replaced and Gradio imports as before.

>>> gr = import_gradio()
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

STUB_MODULE = "gradio.component_meta"
STUB_WRITER = "create_or_modify_pyi"


def _no_stub(*args, **kwargs) -> None:
    return None


class _SkipStubWriter(importlib.abc.MetaPathFinder):
    """Finds `gradio.component_meta` as Python would, and disarms its stub writer once the module
    has run (before any component class is defined)."""

    def find_spec(self, name, path, target=None):
        if name != STUB_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            if callable(getattr(module, STUB_WRITER, None)):
                setattr(module, STUB_WRITER, _no_stub)

        spec.loader.exec_module = exec_module
        return spec


def import_gradio():
    """The `gradio` module, imported without writing type stubs when it is not imported yet."""
    if "gradio" not in sys.modules and not any(isinstance(f, _SkipStubWriter) for f in sys.meta_path):
        sys.meta_path.insert(0, _SkipStubWriter())
    import gradio

    return gradio
