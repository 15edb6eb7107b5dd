"""EC2 filter values: ``*`` and ``?`` wildcards, escapes, AND across names, OR within one."""

from __future__ import annotations

import pytest

from emulator.core.ec2.filters import Filter, FilterSet, always, field_table, wildcard_match
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


def test_exact_values_come_only_from_plain_filters() -> None:
    def exact(*filters: Filter) -> frozenset[str] | None:
        return FilterSet(filters, FIELDS).exact("name")

    assert exact(Filter("name", ("a1", "a2"))) == {"a1", "a2"}
    assert exact(Filter("name", ("a1", "a\\*"))) == {"a1", "a*"}
    assert exact(Filter("name", ("a1", "a*"))) is None
    assert exact(Filter("name", ("a?",))) is None
    assert exact(Filter("size", ("1",))) is None
    assert exact() is None
    # Filters on one name AND together; a wildcard one narrows nothing but still applies.
    assert exact(Filter("name", ("a1", "a2")), Filter("name", ("a2", "b"))) == {"a2"}
    assert exact(Filter("name", ("a1",)), Filter("name", ("*",))) == {"a1"}
    assert exact(Filter("name", ())) == frozenset()


def test_a_table_names_each_field_once() -> None:
    table = field_table({"name": lambda item: [item["name"]]}, without_data=("colour",))
    assert FilterSet([Filter("colour", ("*",))], table)({"name": "a"}) is False
    assert FilterSet([Filter("colour", ())], table)({"name": "a"}) is False
    assert FilterSet([Filter("kind", ("vm",))], {"kind": always("vm")})({}) is True
    with pytest.raises(ValueError, match="name"):
        field_table({"name": lambda item: [item["name"]]}, without_data=("name",))
