"""The organization page's policy table: what is attached to the root, each OU and account."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.organizations.records import Organization
from emulator.core.world import World


@dataclass(frozen=True)
class PolicyRow:
    """One target of the organization and the policies attached to it directly."""

    kind: str  # "Root" | "OU" | "Account"
    id: str
    name: str
    depth: int
    policies: tuple[tuple[str, str, str], ...]  # (id, name, type)


def policy_rows(world: World, org: Organization) -> list[PolicyRow]:
    """Root first, then the tree in order (OUs before the accounts under them)."""
    tree = world.orgs
    rows: list[PolicyRow] = []

    def attached(target: str) -> tuple[tuple[str, str, str], ...]:
        return tuple((p.id, p.name, p.type) for p in tree.policies_of_target(target))

    def walk(parent: str, depth: int) -> None:
        for ou in tree.child_ous(parent):
            rows.append(PolicyRow("OU", ou.id, ou.name, depth, attached(ou.id)))
            walk(ou.id, depth + 1)
        for acct in tree.child_accounts(parent):
            rows.append(PolicyRow("Account", acct.id, acct.name, depth, attached(acct.id)))

    rows.append(PolicyRow("Root", org.root_id, "Root", 0, attached(org.root_id)))
    walk(org.root_id, 1)
    return rows
