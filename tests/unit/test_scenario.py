"""Scenario files: building, dumping, replaying, and errors that say where."""

from __future__ import annotations

import pytest

from emulator.core.scenario import ScenarioError, build, dump, load_into
from emulator.core.world import World
from emulator.scenario_files import ScenarioFileError, check_text, demo_text, load_demo_into


def demo() -> World:
    world = World()
    load_demo_into(world)
    return world


def test_demo_world_matches_the_reference_text() -> None:
    world = demo()
    org = world.orgs.organization("o-123example")
    assert (org.root_id, org.management_account) == ("r-ab12", "123456789012")
    nested = world.orgs.membership("222233334444")
    assert nested is not None
    assert nested.principal_org_path == "o-123example/r-ab12/ou-1234-5example/ou-1234-6example/"
    assert world.orgs.membership("111122223333").ou_path == ("ou-1234-5example",)
    assert world.orgs.membership("444455556666").ou_path == ()
    assert world.orgs.membership("999988887777") is None
    image = world.ec2.regions["us-east-1"].images["ami-0abcdef1234567890"]
    assert image.owner == "123456789012"
    assert image.launch_permissions.to_list() == []


def test_dump_then_build_gives_the_same_world() -> None:
    world = demo()
    world.ec2.add_grants("us-east-1", "ami-0abcdef1234567890", [])
    first = dump(world)
    assert dump(build(first)) == first


def test_dump_keeps_grants_tags_of_every_account_and_bpa() -> None:
    from emulator.core.launch_permissions import OU, USER, Grant

    world = demo()
    arn = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
    world.ec2.add_grants("us-east-1", "ami-0abcdef1234567890",
                         [Grant(OU, arn), Grant(USER, "999988887777")])
    world.ec2.create_tags("111122223333", "us-east-1", ["ami-0abcdef1234567890"], {"mine": "x"})
    world.ec2.enable_image_bpa("123456789012", "us-east-1", "block-new-sharing")
    data = dump(world)
    image = data["images"][0]
    assert image["launch_permissions"] == {"accounts": ["999988887777"],
                                           "organizational_units": [arn]}
    assert image["tags"] == {"Name": "golden-image"}
    assert image["tags_by_account"] == {"111122223333": {"mine": "x"}}
    assert data["block_public_access"] == [
        {"account": "123456789012", "region": "us-east-1", "state": "block-new-sharing"}]
    again = dump(build(data))
    assert again == data


def test_unquoted_account_ids_are_accepted() -> None:
    world = build({"organizations": [{"management_account": 123456789012,
                                      "accounts": [{"id": 111122223333}]}]})
    assert world.orgs.membership("111122223333") is not None


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({"organisations": []}, "organisations", "unknown key"),
        ({"organizations": [{}]}, "organizations[0].management_account", "required"),
        ({"organizations": [{"management_account": "12"}]},
         "organizations[0].management_account", "12-digit"),
        ({"organizations": [{"management_account": "123456789012",
                             "ous": [{"name": "A", "nme": 1}]}]},
         "organizations[0].ous[0].nme", "unknown key"),
        ({"organizations": [{"management_account": "123456789012",
                             "ous": [{"name": "A", "id": "ou-bad"}]}]},
         "organizations[0].ous[0]", "invalid pattern"),
        ({"images": [{"owner": "123456789012"}]}, "images[0].name", "required"),
        ({"images": [{"owner": "123456789012", "name": "xyz",
                      "launch_permissions": {"organizations": ["o-123example"]}}]},
         "images[0].launch_permissions", "invalid"),
        ({"version": 7}, "version", "unsupported"),
        ({"settings": {"block_public_access": "sometimes"}}, "settings.block_public_access",
         "expected one of"),
    ],
)
def test_errors_name_the_bad_key(data: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert err.value.path == path
    assert words in err.value.message


def test_yaml_errors_carry_the_line() -> None:
    text = "version: 1\norganizations:\n  - management_account: '123456789012'\n    ous:\n" \
           "      - name: A\n        colour: blue\n"
    with pytest.raises(ScenarioFileError) as err:
        check_text(text, "world.yaml")
    assert str(err.value).startswith("world.yaml:6: organizations[0].ous[0].colour: unknown key")


def test_broken_yaml_and_json_say_where() -> None:
    with pytest.raises(ScenarioFileError, match=r"^w\.yaml:2: not valid YAML"):
        check_text("a: 1\n b: [\n", "w.yaml")
    with pytest.raises(ScenarioFileError, match=r"^w\.json:1: not valid JSON"):
        check_text("{nope", "w.json")


def test_a_failed_load_leaves_the_world_as_it_was() -> None:
    world = demo()
    before = world.to_dict()
    with pytest.raises(ScenarioError):
        load_into(world, {"images": [{"owner": "123456789012"}]})
    assert world.to_dict() == before


def test_reset_returns_to_the_loaded_scenario() -> None:
    world = demo()
    world.orgs.create_ou("123456789012", "r-ab12", "Extra")
    world.reset()
    assert dump(world) == dump(demo())


def test_demo_text_is_documented_yaml() -> None:
    assert "ami-0abcdef1234567890" in demo_text()
