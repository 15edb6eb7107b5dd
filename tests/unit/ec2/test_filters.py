"""EC2 filter values: ``*`` and ``?`` wildcards, escapes, AND across names, OR within one."""

from __future__ import annotations

import pytest

from emulator.core.ec2.filters import Filter, FilterSet, wildcard_match
from emulator.core.errors import InvalidValue


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("web-*", "web-1", True),
        ("web-*", "web-", True),
        ("web-*", "db-1", False),
        ("web-?", "web-1", True),
        ("web-?", "web-12", False),
        ("*", "", True),
        ("a.b", "axb", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("[x]", "[x]", True),
        ("Web", "web", False),
    ],
)
def test_wildcards(pattern: str, value: str, expected: bool) -> None:
    assert wildcard_match(pattern, value) is expected


FIELDS = {"name": lambda item: [item["name"]], "size": lambda item: [str(item["size"])]}


def test_names_and_values_combine() -> None:
    items = [{"name": "a1", "size": 1}, {"name": "a2", "size": 2}, {"name": "b1", "size": 1}]
    both = FilterSet([Filter("name", ("a*",)), Filter("size", ("1", "3"))], FIELDS)
    assert [i["name"] for i in items if both(i)] == ["a1"]
    either = FilterSet([Filter("name", ("a2", "b*"))], FIELDS)
    assert [i["name"] for i in items if either(i)] == ["a2", "b1"]
    assert not FilterSet([Filter("name", ())], FIELDS)(items[0])


def test_tag_filters_and_unknown_names() -> None:
    tags = {"Env": "prod", "Team": ""}
    check = FilterSet(
        [Filter("tag:Env", ("pr*",)), Filter("tag-key", ("Team",))], FIELDS, lambda _: tags
    )
    assert check({"name": "x", "size": 1})
    assert not FilterSet([Filter("tag:Missing", ("*",))], FIELDS, lambda _: tags)({})
    with pytest.raises(InvalidValue):
        FilterSet([Filter("tag:Env", ("x",))], FIELDS)
    with pytest.raises(InvalidValue):
        FilterSet([Filter("colour", ("x",))], FIELDS, lambda _: tags)
