"""hypothesis: FilterSet agrees with a plain reference matcher over random resources and filters.

The reference reads EC2's rule as written: a resource matches when, for every filter, one of
its values under that name matches one of the filter's values as a whole, ``*`` standing for
any run of characters, ``?`` for one, a backslash making the next character literal; tag
filters read the resource's tags. It matches by plain recursion, fine at these sizes.
"""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.ec2.filters import Filter, FilterSet

FIELDS = ("name", "zone", "size")
TABLE = {field: (lambda item, f=field: item["fields"][f]) for field in FIELDS}

TEXT = st.text(alphabet="ab-1", max_size=5)
PATTERN = st.text(alphabet="ab-1*?\\", max_size=6)
RESOURCE = st.fixed_dictionaries(
    {
        "fields": st.fixed_dictionaries({f: st.lists(TEXT, max_size=3) for f in FIELDS}),
        "tags": st.dictionaries(st.sampled_from(["Env", "Team", "a"]), TEXT, max_size=3),
    }
)
NAME = st.sampled_from([*FIELDS, "tag:Env", "tag:Team", "tag:a", "tag-key", "tag-value"])
FILTERS = st.lists(
    st.builds(Filter, NAME, st.lists(st.one_of(TEXT, PATTERN), max_size=3).map(tuple)),
    max_size=4,
)


def tokens(pattern: str) -> tuple[tuple[str, str], ...]:
    """The pattern as (kind, char): ``star``, ``one`` or a ``lit`` character."""
    out, chars = [], iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(("lit", next(chars, "\\")))
        elif ch == "*":
            out.append(("star", ""))
        elif ch == "?":
            out.append(("one", ""))
        else:
            out.append(("lit", ch))
    return tuple(out)


def reference_match(pattern: str, value: str) -> bool:
    toks = tokens(pattern)

    @cache
    def at(i: int, j: int) -> bool:
        if i == len(toks):
            return j == len(value)
        kind, ch = toks[i]
        if kind == "star":
            return at(i + 1, j) or (j < len(value) and at(i, j + 1))
        if j == len(value):
            return False
        return (kind == "one" or ch == value[j]) and at(i + 1, j + 1)

    return at(0, 0)


def reference_values(item: dict, name: str) -> list[str]:
    tags = item["tags"]
    if name.startswith("tag:"):
        return [tags[name[4:]]] if name[4:] in tags else []
    if name == "tag-key":
        return list(tags)
    if name == "tag-value":
        return list(tags.values())
    return item["fields"][name]


def reference(filters: list[Filter], item: dict) -> bool:
    return all(
        any(reference_match(p, v) for p in f.values for v in reference_values(item, f.name))
        for f in filters
    )


@given(st.lists(RESOURCE, max_size=5), FILTERS)
def test_filter_set_matches_the_reference(items: list[dict], filters: list[Filter]) -> None:
    matches = FilterSet(filters, TABLE, lambda item: item["tags"])
    assert [matches(i) for i in items] == [reference(filters, i) for i in items]


@given(
    st.lists(RESOURCE, max_size=5),
    FILTERS,
    st.sampled_from(FIELDS),
    st.lists(TEXT, min_size=1, max_size=3).map(tuple),
)
def test_exact_values_hold_every_match(
    items: list[dict], filters: list[Filter], name: str, plain: tuple[str, ...]
) -> None:
    """What ``exact`` gives an index is safe: every matching resource has one of those
    values, so a lookup by them finds every match (``plain`` holds no wildcard)."""
    matches = FilterSet([*filters, Filter(name, plain)], TABLE, lambda item: item["tags"])
    wanted = matches.exact(name)
    assert wanted is not None and wanted <= set(plain)
    for item in items:
        if matches(item):
            assert wanted & set(item["fields"][name])
