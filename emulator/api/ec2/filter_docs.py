"""The filter names botocore's EC2 model documents for each operation's ``Filters``.

The model carries no list of filter names, only the documentation of each input's
``Filters`` member: an HTML list whose top-level items each open with the name in
``<code>`` (``<code>image-id</code> - The ID of the image.``). The names are read from
there, so a filter AWS documents in a newer botocore is known without a hand-kept list.
"""

from __future__ import annotations

import html
import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

from botocore.loaders import create_loader

# How a documented tag filter is written (``<code>tag</code>:&lt;key&gt;``).
TAG_KEY_PLACEHOLDER = "tag:<key>"
# A name is the item's first word; the separators after it vary (a hyphen or an en dash, a colon).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:<>_-]*")


class _TopLevelItems(HTMLParser):
    """Collects the text of each top-level ``<li>``, leaving out lists nested inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self._lists = 0  # open <ul>/<ol>
        self._in_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self._lists += 1
        elif tag == "li" and self._lists == 1:
            self._in_item = True
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self._lists -= 1
        elif tag == "li" and self._lists == 1:
            self._in_item = False

    def handle_data(self, data: str) -> None:
        if self._in_item and self._lists == 1:
            self.items[-1] += data


def names_in(documentation: str) -> tuple[str, ...]:
    """The filter names a ``Filters`` documentation lists, in its order, without repeats."""
    parser = _TopLevelItems()
    parser.feed(documentation)
    parser.close()
    names: dict[str, None] = {}
    for item in parser.items:
        found = _NAME.match(html.unescape(item).strip())
        if found:
            name = found.group().rstrip(":-")
            # One tag filter, however it is spelled (``tag``, ``tag:<key>``, ``tag:key``).
            names[TAG_KEY_PLACEHOLDER if name == "tag" or name.startswith("tag:") else name] = None
    return tuple(names)


@cache
def _shapes() -> dict[str, Any]:
    return create_loader().load_service_model("ec2", "service-2")


def documented_filters(operation: str) -> tuple[str, ...]:
    """The filter names EC2 documents for ``operation``; empty when its input takes none."""
    model = _shapes()
    spec = model["operations"].get(operation)
    if spec is None or "input" not in spec:
        return ()
    member = model["shapes"][spec["input"]["shape"]].get("members", {}).get("Filters")
    if member is None:
        return ()
    return names_in(member.get("documentation", ""))
