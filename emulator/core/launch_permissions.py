"""Launch permission entries of an AMI: validation, and applying adds then removes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import InvalidValue, LimitExceeded

GROUP = "group"
USER = "user"
ORG = "org"
OU = "ou"

_ACCOUNT_RE = re.compile(r"\d{12}")
_ORG_ARN_RE = re.compile(r"arn:aws[a-z-]*:organizations::\d{12}:organization/(o-[a-z0-9]{10,32})")
_OU_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:organizations::\d{12}:ou/(o-[a-z0-9]{10,32})/(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})"
)
# The item type AWS names in InvalidAMIAttributeItemValue (note the lowercase userId).
ITEM_TYPES = {
    USER: "userId",
    GROUP: "UserGroup",
    ORG: "OrganizationArn",
    OU: "OrganizationalUnitArn",
}


@dataclass(frozen=True)
class Grant:
    """One launch permission entry as given: ``all``, an account, an org ARN or an OU ARN."""

    kind: str
    value: str

    @property
    def org_id(self) -> str:
        """The organization id inside an org or OU ARN."""
        match = (_ORG_ARN_RE if self.kind == ORG else _OU_ARN_RE).fullmatch(self.value)
        assert match is not None  # only validated grants are stored
        return match.group(1)

    @property
    def ou_id(self) -> str:
        match = _OU_ARN_RE.fullmatch(self.value)
        assert match is not None
        return match.group(2)


def validate(grant: Grant) -> None:
    """Raise ``invalid_attribute_item`` unless the entry is well formed."""
    ok = {
        GROUP: lambda v: v == "all",
        USER: _ACCOUNT_RE.fullmatch,
        ORG: _ORG_ARN_RE.fullmatch,
        OU: _OU_ARN_RE.fullmatch,
    }[grant.kind](grant.value)
    if not ok:
        raise InvalidValue(
            "invalid_attribute_item", value=grant.value, item_type=ITEM_TYPES[grant.kind]
        )


@dataclass
class LaunchPermissions:
    """The explicit entries of one AMI, in the order they were added."""

    entries: list[Grant] = field(default_factory=list)

    @property
    def public(self) -> bool:
        return Grant(GROUP, "all") in self.entries

    def of_kind(self, kind: str) -> list[Grant]:
        return [g for g in self.entries if g.kind == kind]

    def applied(self, adds: Iterable[Grant], removes: Iterable[Grant]) -> LaunchPermissions:
        """A copy with adds applied first, then removes; repeats and absent removes are no-ops."""
        entries = list(self.entries)
        for grant in adds:
            if grant not in entries:
                entries.append(grant)
        gone = set(removes)
        return LaunchPermissions([g for g in entries if g not in gone])

    def shared_entity_count(self) -> int:
        """Entities counted by the sharing quota: accounts, organizations and OUs."""
        return sum(1 for g in self.entries if g.kind != GROUP)

    def to_list(self) -> list[dict[str, str]]:
        return [{"kind": g.kind, "value": g.value} for g in self.entries]

    @classmethod
    def from_list(cls, data: Iterable[dict[str, Any]]) -> LaunchPermissions:
        return cls([Grant(d["kind"], d["value"]) for d in data])


def change(
    current: LaunchPermissions,
    adds: list[Grant],
    removes: list[Grant],
    max_entities: int | None,
) -> LaunchPermissions:
    """Validate every entry (all or nothing) and return the permissions after the change."""
    for grant in [*adds, *removes]:
        validate(grant)
    result = current.applied(adds, removes)
    if max_entities is not None and result.shared_entity_count() > max(
        max_entities, current.shared_entity_count()
    ):
        raise LimitExceeded("launch_permission_limit", limit=max_entities)
    return result
