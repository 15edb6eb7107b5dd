"""Statement positions: each span starts at its statement's "{" and ends at its "}"."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.policy.positions import Position, Span, statement_spans

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
STATEMENT = st.fixed_dictionaries(
    {"Effect": st.sampled_from(("Allow", "Deny")), "Action": st.just("ec2:*")},
    optional={
        "Sid": TEXT,
        "Resource": st.lists(TEXT, min_size=1, max_size=2),
        "Condition": st.dictionaries(
            TEXT, st.dictionaries(TEXT, TEXT, min_size=1, max_size=2), min_size=1, max_size=2
        ),
    },
)


def offset(text: str, at: Position) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: at.line - 1]) + at.column - 1


@given(
    st.lists(STATEMENT, min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from((None, 0, 2, 4, "\t")),
    st.dictionaries(TEXT, TEXT, max_size=2),
)
def test_each_span_holds_its_statement(
    statements: list[dict], single: bool, indent, extra: dict
) -> None:
    body = statements[0] if single and len(statements) == 1 else statements
    # Keys before "Statement" may hold braces and the word "Statement" themselves.
    document = {**{f"x{k}": {"Statement": v} for k, v in extra.items()}, "Statement": body}
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    spans = statement_spans(text)
    assert len(spans) == len(statements)
    for span, statement in zip(spans, statements, strict=True):
        start, end = offset(text, span.start), offset(text, span.end)
        assert text[start] == "{" and text[end] == "}"
        assert json.loads(text[start : end + 1]) == statement


def test_lines_and_columns_count_from_one() -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"}\n  ]\n}'
    assert statement_spans(text) == [Span(Position(3, 5), Position(3, 55))]


def test_a_statement_key_given_twice_counts_as_json_reads_it() -> None:
    text = '{"Statement": [{"Sid": "a"}], "Statement": [{"Sid": "b"}, {"Sid": "c"}]}'
    spans = statement_spans(text)
    assert [text[s.start.column - 1 : s.end.column] for s in spans] == [
        '{"Sid": "b"}',
        '{"Sid": "c"}',
    ]
