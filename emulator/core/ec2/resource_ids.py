"""EC2 resource id formats: which kind an id names, and whether it is well formed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from emulator.core.errors import Malformed, NotFound

# prefix -> resource kind, as EC2 names the kinds in DescribeTags.
KINDS = {
    "ami": "image",
    "snap": "snapshot",
    "vol": "volume",
    "i": "instance",
    "amiur": "image-usage-report",
    # The network's kinds (core/ec2/network) and key pairs (core/ec2/keypairs).
    "vpc": "vpc",
    "subnet": "subnet",
    "sg": "security-group",
    "sgr": "security-group-rule",
    "igw": "internet-gateway",
    "rtb": "route-table",
    "key": "key-pair",
    "lt": "launch-template",
}
# The kinds whose records live in an account's network.
NETWORK_KINDS = frozenset({"vpc", "subnet", "security-group", "internet-gateway", "route-table"})
_PREFIX = {kind: prefix for prefix, kind in KINDS.items()}

T = TypeVar("T")


def kind_of(resource_id: str) -> str:
    """The resource kind an id names by its prefix; ``unknown_resource_id`` otherwise."""
    prefix = resource_id.split("-", 1)[0] if "-" in resource_id else ""
    kind = KINDS.get(prefix)
    if kind is None:
        raise Malformed("unknown_resource_id", id=resource_id)
    return kind


_HEX = re.compile(r"[0-9a-f]+")


def tagged_kind_of(resource_id: str) -> str:
    """The kind of a resource CreateTags or DeleteTags names: unlike the Describe calls,
    they refuse an id whose tail is not hexadecimal as ``InvalidID``, as AWS answered for
    ``i-eCHmOTcEW0OZ9KbNe`` (kubernetes/cloud-provider-aws#1387)."""
    kind = kind_of(resource_id)
    if not _HEX.fullmatch(resource_id.partition("-")[2]):
        raise Malformed("unknown_resource_id", id=resource_id)
    return kind


# What follows the prefix: AWS looks any such id up (``ami-fake123`` is not found, not
# malformed); only an id without its kind's prefix is malformed. docs/semantics.md, "EC2 ids".
_SHORT_HEX = re.compile(r"[0-9a-f]{1,7}")


def check(kind: str, value: str) -> str:
    """The id as AWS reads it: ``<kind>_id_malformed`` unless ``value`` is the kind's prefix,
    a hyphen and at least one more character; a hexadecimal tail shorter than 8 digits is
    padded with zeros to 8, as AWS writes it back (``ami-c636c6b`` is ``ami-0c636c6b``)."""
    prefix, _, tail = (value or "").partition("-")
    if prefix != _PREFIX[kind] or not tail:
        raise Malformed(f"{kind}_id_malformed", id=value)
    if _SHORT_HEX.fullmatch(tail):
        return f"{prefix}-{tail.zfill(8)}"
    return value


def check_all(kind: str, values: Iterable[str]) -> list[str]:
    """Every id as AWS reads it (AWS reports the first malformed one), repeats dropped,
    keeping order."""
    return list(dict.fromkeys(check(kind, value) for value in values))


def not_found(kind: str, missing: list[str]) -> NotFound:
    """The ``NotFound`` for one or several ids; the catalogue words the two cases apart."""
    reason = f"{kind}_not_found" if len(missing) == 1 else f"{kind}s_not_found"
    return NotFound(reason, ids=missing)


def find(kind: str, table: Mapping[str, T], resource_id: str, visible: Callable[[T], bool]) -> T:
    """The ``kind`` resource ``resource_id`` names, when well formed and ``visible``; any
    other id is not found (so an id of another account's resource reveals nothing)."""
    resource_id = check(kind, resource_id)
    resource = table.get(resource_id)
    if resource is None or not visible(resource):
        raise not_found(kind, [resource_id])
    return resource


def find_all(
    kind: str, table: Mapping[str, T], resource_ids: list[str], visible: Callable[[T], bool]
) -> list[T]:
    """``find`` for a list of ids (repeats dropped), reporting every id not found at once."""
    ids = check_all(kind, resource_ids)
    missing = [i for i in ids if i not in table or not visible(table[i])]
    if missing:
        raise not_found(kind, missing)
    return [table[i] for i in ids]


class _Owned(Protocol):
    owner: str


def owned_by(account: str) -> Callable[[_Owned], bool]:
    """The ``visible`` test of a resource only its owner sees."""
    return lambda resource: resource.owner == account
