"""The organization diagram's layout: one row per node, the dotted line around a shared OU."""

from __future__ import annotations

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import Grant
from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.web.console_tree import BOX_HEIGHT, build_tree
from tests.unit.ec2.ec2_world import recorded

AMI = "ami-0abcdef1234567890"
ENGINEERING = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"


def demo_world() -> World:
    world = World()
    load_demo_into(world)
    return world


def test_every_node_has_its_own_row_below_its_parent() -> None:
    world = demo_world()
    tree = build_tree(world, world.orgs.organizations()[0], None, "us-east-1")
    assert [n.kind for n in tree.nodes[:2]] == ["organization", "root"]
    assert len(tree.accounts) == 6
    assert [n.row for n in tree.nodes] == list(range(len(tree.nodes)))
    for node in tree.nodes[1:]:
        parent = tree.nodes[node.parent_row]
        assert parent.row < node.row and node.depth == parent.depth + 1
    assert {n.access for n in tree.nodes} == {"neutral"}
    assert len(tree.connectors()) == len(tree.nodes) - 1
    assert tree.height >= tree.nodes[-1].y + BOX_HEIGHT


def test_the_dotted_line_holds_the_shared_ou_and_all_below_it() -> None:
    world = demo_world()
    catalog.add_grants(
        world.ec2.env, recorded(world.ec2, "us-east-1"), AMI, [Grant("ou", ENGINEERING)]
    )
    tree = build_tree(world, world.orgs.organizations()[0], AMI, "us-east-1")
    (region,) = tree.shared_regions()
    inside = [n for n in tree.nodes if region["y"] <= n.y < region["y"] + region["height"]]
    assert [n.name for n in inside] == ["Engineering", "Dev", "Platform", "Platform-Prod"]
    assert all(n.access == "allowed" for n in inside if n.kind == "account")
    outside = [n for n in tree.accounts if n not in inside and n.name != "Management"]
    assert outside and all(n.access == "denied" for n in outside)
