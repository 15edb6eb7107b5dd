"""Properties of the access rule and of the index behind DescribeImages, on the pure core."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import GROUP, Grant, LaunchPermissions
from emulator.core.ec2.images.records import Image
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, org_grant, ou, ou_grant, user

MAX_DEPTH = 5


@dataclass
class Tree:
    """OUs (index -> parent index, -1 for the root) and where each account sits."""

    parents: list[int]
    placement: dict[str, int | None]  # account -> OU index, -1 for the root, None: no org

    def path(self, node: int) -> tuple[str, ...]:
        out: list[str] = []
        while node != -1:
            out.append(ou(node))
            node = self.parents[node]
        return tuple(reversed(out))

    def harness(self) -> Harness:
        h = Harness()
        for account, node in self.placement.items():
            if node is not None:
                h.join(account, *self.path(node))
        return h


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    parents: list[int] = []
    depth: list[int] = []
    for i in range(draw(st.integers(0, 8))):
        choices = [-1] + [p for p in range(i) if depth[p] < MAX_DEPTH]
        parent = draw(st.sampled_from(choices))
        parents.append(parent)
        depth.append(1 if parent == -1 else depth[parent] + 1)
    nodes = [None, -1, *range(len(parents))]
    accounts = [f"{n:012d}" for n in range(200000000000, 200000000000 + draw(st.integers(1, 6)))]
    placement = {a: draw(st.sampled_from(nodes)) for a in accounts}
    return Tree(parents, placement)


@st.composite
def grant_sets(draw: st.DrawFn, tree: Tree) -> list[Grant]:
    options = [org_grant(), org_grant("o-bbbbbbbbbb"), Grant(GROUP, "all")]
    options += [user(a) for a in tree.placement]
    options += [ou_grant(ou(i)) for i in range(len(tree.parents))]
    return draw(st.lists(st.sampled_from(options), max_size=6))


def allowed(h: Harness, image_id: str, account: str) -> bool:
    return h.decide(image_id, account, REGION).allowed


@given(trees())
def test_org_grant_reaches_every_member_and_no_one_else(tree: Tree) -> None:
    h = tree.harness()
    image = h.image()
    h.share(image, org_grant())
    for account, node in tree.placement.items():
        assert allowed(h, image.image_id, account) == (node is not None)


@given(trees(), st.data())
def test_ou_grant_reaches_exactly_the_subtree(tree: Tree, data: st.DataObject) -> None:
    if not tree.parents:
        return
    granted = data.draw(st.integers(0, len(tree.parents) - 1))
    h = tree.harness()
    image = h.image()
    h.share(image, ou_grant(ou(granted)))
    for account, node in tree.placement.items():
        on_path = node not in (None, -1) and ou(granted) in tree.path(node)
        decision = h.decide(image.image_id, account, REGION)
        assert decision.allowed == on_path
        if on_path:
            assert decision.via == "ou" and decision.grant in tree.path(node)


@given(trees(), st.data())
def test_removing_an_account_never_revokes_org_or_ou_access(
    tree: Tree, data: st.DataObject
) -> None:
    h = tree.harness()
    image = h.image()
    grants = data.draw(grant_sets(tree))
    h.share(image, *grants)
    account = data.draw(st.sampled_from(sorted(tree.placement)))
    before = h.decide(image.image_id, account, REGION)
    catalog.modify_launch_permissions(h.env, h.at(), OWNER, image.image_id, [], [user(account)])
    after = h.decide(image.image_id, account, REGION)
    if before.via in ("organization", "ou", "public"):
        assert after == before
    if before.via == "account":
        other = [g for g in grants if g != user(account)]
        assert after.allowed == any(h.rule(_with(image, [g]), account).allowed for g in other)


def _with(image: Image, entries: list[Grant]) -> Image:
    """The same image with other launch permissions (a copy; the world is untouched)."""
    return replace(image, launch_permissions=LaunchPermissions(list(entries)))


@given(trees(), st.data())
def test_reset_leaves_only_the_owner(tree: Tree, data: st.DataObject) -> None:
    h = tree.harness()
    image = h.image()
    h.share(image, *data.draw(grant_sets(tree)))
    catalog.reset_image_attribute(h.env, h.at(), OWNER, image.image_id, "launchPermission")
    assert allowed(h, image.image_id, OWNER)
    for account in tree.placement:
        assert not allowed(h, image.image_id, account)


@settings(max_examples=60)
@given(trees(), st.data())
def test_index_answers_equal_a_brute_force_scan(tree: Tree, data: st.DataObject) -> None:
    h = tree.harness()
    owners = [OWNER, *tree.placement]
    for n in range(data.draw(st.integers(1, 6))):
        image = h.image(owner=data.draw(st.sampled_from(owners)), name=f"image-{n}")
        h.share(image, *data.draw(grant_sets(tree)), owner=image.owner)
    if data.draw(st.booleans()):
        victim = data.draw(st.sampled_from(sorted(h.ec2.read(REGION).images)))
        catalog.deregister_image(h.at(), h.env, h.ec2.read(REGION).images[victim].owner, victim)
    images = list(h.ec2.read(REGION).images.values())
    for account in tree.placement:
        decisions = {i.image_id: h.rule(i, account) for i in images}
        explicit = {
            iid for iid, d in decisions.items() if d.via in ("account", "organization", "ou")
        }
        # Public images may also be granted explicitly; the rule reports "public" first.
        for image in images:
            if decisions[image.image_id].via == "public" and image.owner != account:
                bare = _with(
                    image, [g for g in image.launch_permissions.entries if g.kind != GROUP]
                )
                if h.rule(bare, account).allowed:
                    explicit.add(image.image_id)
        visible = {iid for iid, d in decisions.items() if d.allowed}
        assert set(h.ids_for(account, executable_users=["self"])) == explicit
        assert set(h.ids_for(account)) == visible
