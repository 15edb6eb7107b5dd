"""Reading filter names out of botocore's documentation of each operation's ``Filters``."""

from __future__ import annotations

from html import escape

from hypothesis import given
from hypothesis import strategies as st

from emulator.api.ec2.filter_docs import TAG_KEY_PLACEHOLDER, documented_filters, names_in


def test_names_open_the_top_level_items() -> None:
    doc = (
        "<p>The filters.</p> <ul> <li> <p> <code>image-id</code> - The ID of the image.</p> "
        "</li> <li> <p> <code>severity</code> - One of:</p> <ul> <li> <p> <code>low</code> - "
        "A low one.</p> </li> <li> <p> <code>high</code> - A high one.</p> </li> </ul> </li> "
        "<li> <p> <code>tag</code>:&lt;key&gt; - A tag.</p> </li> <li> <p>zone: The zone.</p> "
        "</li> <li> <p>attachment-id- The id.</p> </li> <li> <p> <code>boot-mode</code> \u2013 The "
        "mode (<code>uefi</code>).</p> </li> </ul>"
    )
    assert names_in(doc) == (
        "image-id",
        "severity",
        TAG_KEY_PLACEHOLDER,
        "zone",
        "attachment-id",
        "boot-mode",
    )


def test_every_spelling_of_the_tag_filter_is_one_name() -> None:
    for item in ("<code>tag</code> - A tag.", "<code>tag:key</code> - A tag.", "tag:&lt;key&gt;"):
        assert names_in(f"<ul><li><p>{item}</p></li></ul>") == (TAG_KEY_PLACEHOLDER,)


def test_text_outside_a_list_names_nothing() -> None:
    assert names_in("<p>One or more filters.</p>") == ()
    assert names_in("") == ()


def test_the_served_operations_read_from_botocore() -> None:
    images = documented_filters("DescribeImages")
    assert {"image-id", "owner-id", "creation-date", TAG_KEY_PLACEHOLDER} <= set(images)
    # A nested list of a filter's values adds no names.
    assert "scan-result.highest-finding-severity-label" in images
    assert not {"low", "critical"} & set(images)
    assert documented_filters("DescribeTags") == (
        "key",
        "resource-id",
        "resource-type",
        TAG_KEY_PLACEHOLDER,
        "value",
    )
    assert "subnet-id" in documented_filters("DescribeInstances")


def test_operations_without_filters_document_none() -> None:
    assert documented_filters("DescribeImageAttribute") == ()
    assert documented_filters("RunInstances") == ()
    assert documented_filters("NoSuchOperation") == ()


NAMES = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,8}|-[a-z0-9]{1,8}){0,3}", fullmatch=True)
SEPARATORS = st.sampled_from([" - ", " \u2013 ", ": ", "- "])


@given(
    st.lists(
        st.tuples(NAMES, SEPARATORS, st.text(max_size=30), st.lists(NAMES, max_size=3)),
        max_size=8,
        unique_by=lambda item: item[0],
    )
)
def test_any_list_gives_back_its_names(items: list[tuple[str, str, str, list[str]]]) -> None:
    """Whatever the description says (escaped), and whatever list of values is nested in
    an item, the names are the items' opening words, in order."""
    body = "".join(
        f"<li><p><code>{name}</code>{sep}{escape(text)}</p>"
        + (
            "<ul>"
            + "".join(f"<li><p><code>{v}</code> - a value</p></li>" for v in nested)
            + "</ul>"
            if nested
            else ""
        )
        + "</li>"
        for name, sep, text, nested in items
    )
    expected = tuple(TAG_KEY_PLACEHOLDER if n == "tag" else n for n, *_ in items)
    assert names_in(f"<p>The filters.</p><ul>{body}</ul>") == expected
