"""The "Edit AMI permissions" draft: the pending changes, carried in the form itself.

The page edits a draft (availability, shared accounts, shared organizations/OUs) until
**Save changes**; the server keeps nothing between requests. The draft also carries the
entries it started from, so saving applies only this page's changes to whatever the image
holds then (other callers' changes in between survive).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from emulator.core.ec2.images.launch_permissions import GROUP, ORG, OU, USER, Grant, validate

PUBLIC = Grant(GROUP, "all")


def arn_grant(value: str) -> Grant:
    """An organization or OU entry for what was typed in "Organization/OU ARN".

    OU ARNs (and bare OU ids) are OU entries, anything else an organization entry, so a bare
    id fails validation with the item type the API names for it."""
    is_ou = ":ou/" in value or value.startswith("ou-")
    return Grant(OU if is_ou else ORG, value)


@dataclass
class Draft:
    public: bool
    accounts: list[str] = field(default_factory=list)
    arns: list[str] = field(default_factory=list)
    base: list[Grant] = field(default_factory=list)  # the entries when editing began

    @classmethod
    def of(cls, entries: Iterable[Grant]) -> Draft:
        entries = list(entries)
        return cls(
            public=PUBLIC in entries,
            accounts=[g.value for g in entries if g.kind == USER],
            arns=[g.value for g in entries if g.kind in (ORG, OU)],
            base=entries,
        )

    @classmethod
    def from_form(cls, form: dict[str, list[str]]) -> Draft:
        """The draft the edit form posted (its hidden fields and the availability choice)."""
        base = []
        for item in form.get("base", []):
            kind, _, value = item.partition(":")
            if kind in (GROUP, USER, ORG, OU) and value:
                base.append(Grant(kind, value))
        return cls(
            public=form.get("availability", ["private"])[0] == "public",
            accounts=_unique(form.get("accounts", [])),
            arns=_unique(form.get("arns", [])),
            base=base,
        )

    def entries(self) -> list[Grant]:
        wanted = [Grant(USER, a) for a in self.accounts] + [arn_grant(a) for a in self.arns]
        return [*wanted, PUBLIC] if self.public else wanted

    def changes(self) -> tuple[list[Grant], list[Grant]]:
        """(adds, removes) that turn the starting entries into this draft."""
        wanted = self.entries()
        adds = [g for g in wanted if g not in self.base]
        removes = [g for g in self.base if g not in wanted]
        return adds, removes

    def unsaved(self) -> Unsaved:
        """What Save changes would change: marked on the page, as the EC2 console does."""
        adds, removes = self.changes()
        return Unsaved(adds, removes)

    def add_account(self, value: str) -> None:
        """Raises the API's ``invalid_attribute_item`` for anything but a 12-digit id."""
        validate(Grant(USER, value))
        if value not in self.accounts:
            self.accounts.append(value)

    def add_arn(self, value: str) -> None:
        """Raises the API's ``invalid_attribute_item`` unless ``value`` is a full ARN."""
        validate(arn_grant(value))
        if value not in self.arns:
            self.arns.append(value)

    def remove_accounts(self, selected: Iterable[str]) -> None:
        gone = set(selected)
        self.accounts = [a for a in self.accounts if a not in gone]

    def remove_arns(self, selected: Iterable[str]) -> None:
        gone = set(selected)
        self.arns = [a for a in self.arns if a not in gone]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True)
class Unsaved:
    """The draft's changes that are not saved yet."""

    adds: list[Grant]
    removes: list[Grant]

    def __bool__(self) -> bool:
        return bool(self.adds or self.removes)

    def added(self, value: str) -> bool:
        """Is the account id or ARN of a row one this page added (not saved yet)?"""
        return any(g.value == value for g in self.adds)

    def summary(self) -> str:
        """``To add: … To remove: …`` in the words of the page's fields."""
        parts = []
        if self.adds:
            parts.append("To add: " + ", ".join(_label(g) for g in self.adds) + ".")
        if self.removes:
            parts.append("To remove: " + ", ".join(_label(g) for g in self.removes) + ".")
        return " ".join(parts)


def _label(grant: Grant) -> str:
    return "public availability" if grant == PUBLIC else grant.value
