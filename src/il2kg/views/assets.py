"""The files a view page inlines: vis-network from the pyvis package, and our own template, script and style."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from il2kg.errors import Il2kgError

VIS_VERSION = "vis-9.1.2"  # the vis-network build pyvis 0.3.2 ships under templates/lib/
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_CLOSING = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def _inline_safe(name: str, text: str) -> str:
    # Inlined text must not close its own <script>/<style> element early.
    if _CLOSING.search(text):
        raise Il2kgError(f"{name}: contains '</script', '</style' or '<!--' and cannot be inlined")
    return text


@cache
def vis_network() -> tuple[str, str]:
    """The vis-network JavaScript and CSS that pyvis ships, as text (found, not imported: pyvis's import costs
    ~0.16 s)."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    places = list(spec.submodule_search_locations or ()) if spec is not None else []
    folder = Path(places[0] if places else "pyvis") / "templates" / "lib" / VIS_VERSION
    if not folder.is_dir():
        raise Il2kgError(f"{folder}: pyvis does not ship {VIS_VERSION}; install pyvis 0.3.2")
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    script = _SOURCE_MAP.sub("", script)  # the map file is not inlined; do not let devtools ask for it
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    return _inline_safe("vis-network.min.js", script), _inline_safe("vis-network.css", style)


@cache
def own(name: str) -> str:
    """One of our page files (view.html, view.js, view.css) from this package."""
    text = resources.files("il2kg.views").joinpath("page", name).read_text(encoding="utf-8")
    return text if name.endswith(".html") else _inline_safe(name, text)
