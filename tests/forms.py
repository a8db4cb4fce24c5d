"""Reading a page's form as a browser would submit it (for HTTP tests of form pages)."""
from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _PostedForm(HTMLParser):
    """The fields of the page's form that posts to itself (``method="post"``, no action):
    inputs, ticked checkboxes (value ``y`` when they name none) and selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._inside = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._inside = a.get("method") == "post" and "action" not in a
        elif self._inside and tag == "input" and "name" in a:
            if a.get("type") != "checkbox" or "checked" in a:
                self.pairs.append((a["name"], a.get("value", "y" if a.get("type") == "checkbox" else "")))
        elif self._inside and tag == "select":
            self._select = a["name"]
        elif self._inside and tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None


def form_of(page: str) -> MultiDict:
    """The values the page's self-posting form would submit, as the page shows them."""
    parser = _PostedForm()
    parser.feed(page)
    return MultiDict(parser.pairs)
