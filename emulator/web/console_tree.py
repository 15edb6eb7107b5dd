"""The organization diagram of the console: the tree laid out as rows, coloured by access.

The layout is an indented tree (one row per node), so it stays readable on a phone as well as
a desktop; the SVG markup itself is written by the ``console/_tree.svg`` template from the
rows built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.core.authorization import RUN_INSTANCES
from emulator.core.errors import InvalidValue
from emulator.core.explain import explain, explain_access
from emulator.core.organizations.records import Organization
from emulator.core.world import World

ROW_HEIGHT = 52
BOX_HEIGHT = 42
INDENT = 22
PAD = 8
WIDTH = 440

ALLOWED = "allowed"
DENIED = "denied"
KMS_BLOCKED = "kms-blocked"
NEUTRAL = "neutral"
ROOT_CHOICE = "root"  # each account's root user: the launch question (``explain``)
# What the console calls each layer of the access decision when it refuses.
LAYER_WORDS = {
    "service_control_policy": "a service control policy",
    "identity_policy": "its identity policies",
    "launch_permission": "the launch permission (not shared)",
    "allowed_images": "its Allowed AMIs",
    "image_lifecycle": "the image's lifecycle",
    "key_policy": "a KMS key policy",
}


@dataclass
class Node:
    """One box of the diagram: the organization, its root, an OU or a member account."""

    kind: str  # "organization" | "root" | "ou" | "account"
    id: str
    name: str
    depth: int
    row: int = 0
    parent_row: int | None = None
    access: str = NEUTRAL  # accounts: ALLOWED | DENIED | KMS_BLOCKED once an image is chosen
    label: str = ""  # the second line of the box
    reason: str = ""  # the whole explanation (tooltip and table)
    shared: bool = False  # a grant of the chosen image names this organization or OU
    last_row: int = 0  # the last row of this node's subtree
    denied_by: str = ""  # with a principal chosen: the layer that refused, if one did

    @property
    def x(self) -> int:
        return PAD + self.depth * INDENT

    @property
    def y(self) -> int:
        return PAD + self.row * ROW_HEIGHT

    @property
    def width(self) -> int:
        return WIDTH - PAD - self.x


@dataclass
class Tree:
    organization: Organization
    nodes: list[Node] = field(default_factory=list)
    image_id: str | None = None
    principal: str = ROOT_CHOICE  # whose decision colours the accounts (``principal_choices``)

    @property
    def height(self) -> int:
        return 2 * PAD + len(self.nodes) * ROW_HEIGHT - (ROW_HEIGHT - BOX_HEIGHT)

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def accounts(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "account"]

    def connectors(self) -> list[str]:
        """SVG path data from each parent's box down and across to each child's box."""
        paths = []
        for node in self.nodes:
            if node.parent_row is None:
                continue
            parent = self.nodes[node.parent_row]
            x = parent.x + INDENT // 2
            mid = node.y + BOX_HEIGHT // 2
            paths.append(f"M{x} {parent.y + BOX_HEIGHT} V{mid} H{node.x}")
        return paths

    def shared_regions(self) -> list[dict[str, Any]]:
        """The dotted outline around each shared OU (or organization) and all it contains."""
        regions = []
        for node in self.nodes:
            if not node.shared:
                continue
            top = node.y - 4
            bottom = PAD + node.last_row * ROW_HEIGHT + BOX_HEIGHT + 4
            regions.append(
                {
                    "x": node.x - 4,
                    "y": top,
                    "width": WIDTH - node.x,
                    "height": bottom - top,
                    "node": node,
                }
            )
        return regions


def build_tree(
    world: World,
    org: Organization,
    image_id: str | None,
    region: str,
    principal: str = ROOT_CHOICE,
) -> Tree:
    """The organization's tree; with an image, every account coloured by the access rule:
    for its root user's launch, or (``principal``: ``user:NAME`` / ``role:NAME``) for the
    whole decision on that account's user or role of that name."""
    tree = Tree(org, image_id=image_id, principal=principal)
    shared_ids = _shared_ids(world, image_id, region) if image_id else {}
    org_node = _add(tree, Node("organization", org.id, "Organization", 0), None)
    org_node.shared = org.id in shared_ids.get("org", set())
    root = _add(tree, Node("root", org.root_id, "Root", 1), org_node.row)
    _walk(world, tree, org.root_id, root, shared_ids.get("ou", set()))
    root.last_row = org_node.last_row = len(tree.nodes) - 1
    for node in tree.accounts:
        if image_id and principal != ROOT_CHOICE:
            decide_for(world, node, image_id, region, principal)
        elif image_id:
            _decide(world, node, image_id, region)
        else:
            node.label = node.id
    for node in tree.nodes:
        if node.kind != "account":
            node.label = node.id
    return tree


def _add(tree: Tree, node: Node, parent_row: int | None) -> Node:
    node.row = node.last_row = len(tree.nodes)
    node.parent_row = parent_row
    tree.nodes.append(node)
    return node


def _walk(world: World, tree: Tree, parent_id: str, parent: Node, shared_ous: set[str]) -> None:
    for account in world.orgs.child_accounts(parent_id):
        _add(tree, Node("account", account.id, account.name, parent.depth + 1), parent.row)
    for ou in world.orgs.child_ous(parent_id):
        node = _add(tree, Node("ou", ou.id, ou.name, parent.depth + 1), parent.row)
        node.shared = ou.id in shared_ous
        _walk(world, tree, ou.id, node, shared_ous)
        node.last_row = len(tree.nodes) - 1


def _shared_ids(world: World, image_id: str, region: str) -> dict[str, set[str]]:
    """The organization and OU ids the image's launch permissions name."""
    state = world.ec2.regions.get(region)
    image = state.images.get(image_id) if state else None
    if image is None:
        return {}
    found: dict[str, set[str]] = {"org": set(), "ou": set()}
    for grant in image.launch_permissions.entries:
        if grant.kind == "org":
            found["org"].add(grant.org_id)
        elif grant.kind == "ou":
            found["ou"].add(grant.ou_id)
    return found


def _decide(world: World, node: Node, image_id: str, region: str) -> None:
    answer = explain(world, image_id, node.id, region)
    node.reason = answer.get("reason", "")
    node.access, node.label = verdict(answer)


def verdict(answer: dict[str, Any]) -> tuple[str, str]:
    """(colour, few words) for one of explain's answers, counting the KMS keys behind the
    image (its ``kms`` entry): a launch a key refuses would end terminated."""
    if not answer.get("allowed"):
        if answer.get("via", "none") != "none":
            return DENIED, "✗ shared, but not allowed by its Allowed AMIs"
        return DENIED, "✗ cannot launch: not shared"
    refused = [k["key"] for k in answer.get("kms", []) if not k["allowed"]]
    if refused:
        key_id = refused[0].rsplit("/", 1)[-1]
        return KMS_BLOCKED, f"⚠ shared, but KMS key {key_id} refuses it"
    return ALLOWED, "✓ " + grant_words(answer.get("via", ""), answer.get("grant"))


def grant_words(via: str, grant: str | None) -> str:
    """What gives access, in a few words."""
    return {
        "owner": "owner",
        "public": "public image",
        "account": "shared with this account",
        "organization": f"via organization {grant}",
        "ou": f"via OU {grant}",
    }.get(via, via)


def principal_choices(world: World, accounts: list[str]) -> list[str]:
    """The principals the tree may be coloured for: the accounts' root users, then every
    user and role name any of ``accounts`` has (``user:NAME``, ``role:NAME``), by name."""
    names = {
        f"{kind}:{entity.name}"
        for account in accounts
        for kind, entities in (
            ("user", world.iam.users_of(account)),
            ("role", world.iam.roles_of(account)),
        )
        for entity in entities
    }
    return [ROOT_CHOICE, *sorted(names, key=str.lower)]


def decide_for(world: World, node: Node, image_id: str, region: str, choice: str) -> None:
    """Colour one account by the whole decision on its user or role named in ``choice``
    launching the image; an account without one stays neutral."""
    kind, _, name = choice.partition(":")
    entity = (
        world.iam.find_user(node.id, name) if kind == "user" else world.iam.find_role(node.id, name)
    )
    if entity is None:
        node.access, node.label = NEUTRAL, f"no {kind} {name} in this account"
        node.reason = f"Account {node.id} has no IAM {kind} named {name}."
        return
    image_arn = f"arn:{entity.partition}:ec2:{region}::image/{image_id}"
    try:
        answer = explain_access(world, entity.arn, RUN_INSTANCES, image_arn, region)
    except InvalidValue as err:  # the image is not in the Region
        node.access, node.label, node.reason = DENIED, "✗ cannot launch", err.details["message"]
        return
    node.reason = answer["reason"]
    layer = answer["denied_by"]
    if layer is None:
        node.access, node.label = ALLOWED, f"✓ {kind} {name} may launch"
        return
    node.denied_by = layer
    node.access = KMS_BLOCKED if layer == "key_policy" else DENIED
    node.label = f"✗ denied by {LAYER_WORDS.get(layer, layer)}"
