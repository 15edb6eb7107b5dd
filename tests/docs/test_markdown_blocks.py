"""Reading fenced blocks and their directives out of Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.markdown_blocks import MarkdownError, read_blocks

PAGE = """\
# Title

<!-- docs-test: error world=empty -->
```sh
false
```

Text with ``` inline, which opens nothing.

1. A step:

   ```python
   # test_example.py
   x = 1
   ```

````text
```
inside
```
````
"""


def _page(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text)
    return page


def test_blocks_with_lines_languages_directives_and_bodies(tmp_path: Path) -> None:
    blocks = read_blocks(_page(tmp_path, PAGE))
    assert [(b.line, b.lang) for b in blocks] == [(4, "sh"), (12, "python"), (17, "text")]
    shell, python, text = blocks
    assert shell.directives == {"error"} and shell.options == {"world": "empty"}
    assert shell.body == "false\n"
    assert python.body == "# test_example.py\nx = 1\n"  # the list item's indent is gone
    assert python.file_name() == "test_example.py" and not python.directives
    assert text.body == "```\ninside\n```\n"  # a longer fence holds a shorter one


def test_a_comment_separated_by_a_blank_line_is_not_a_directive(tmp_path: Path) -> None:
    (block,) = read_blocks(_page(tmp_path, "<!-- docs-test: output -->\n\n```text\nx\n```\n"))
    assert not block.directives


def test_a_block_that_is_never_closed_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(MarkdownError) as err:
        read_blocks(_page(tmp_path, "text\n\n```python\nprint(1)\n"))
    assert err.value.line == 3
