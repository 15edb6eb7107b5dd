"""``PUT /_emulator/state`` and ``--scenario`` check the whole document before anything is
replaced: schema, id formats, references, the org tree, nesting depth and size. A bad one is
a 400 naming the path of the first error, and the world stays exactly as it was."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances.records import Instance
from emulator.core.ec2.storage.records import Snapshot as EbsSnapshot
from emulator.core.ec2.storage.records import Volume
from emulator.core.iam.sessions import Session
from emulator.core.kms.records import Alias, Key
from emulator.core.organizations.records import Account, CreateAccountRequest, Organization, OrgUnit
from emulator.core.snapshots import form as snapshot_schema
from emulator.core.snapshots.redaction import redact
from emulator.core.snapshots.schema import Record
from emulator.core.world import WorldConfig
from emulator.server import RunningServer
from tests.conftest import ClientFactory
from tests.security.world_data import build_everything, http, snapshot_of

pytestmark = pytest.mark.ami_scenario("demo")

R = "ec2.regions.us-east-1"
Snapshot = dict[str, Any]
_RICH: list[str] = []  # the rich world's snapshot as JSON text, built once


@pytest.fixture
def rich(server: RunningServer, aws: ClientFactory) -> Snapshot:
    """The world holding one of everything, loaded; its snapshot."""
    if not _RICH:
        build_everything(aws)
        # From the world itself: over HTTP its secrets are redacted, and a redacted session
        # the world does not hold is dropped on load.
        with server.world.lock:
            _RICH.append(json.dumps(server.world.to_dict()))
    assert put(server, _RICH[0])[0] == 200
    return json.loads(_RICH[0])


def put(server: RunningServer, body: str, **headers: str) -> tuple[int, Any]:
    return http(f"{server.url}/_emulator/state", "PUT", body, **headers)


def region(s: Snapshot) -> dict[str, Any]:
    return s["ec2"]["regions"]["us-east-1"]


def index(items: list[dict], **match: Any) -> int:
    return next(i for i, item in enumerate(items) if match.items() <= item.items())


def ou_index(s: Snapshot, ou_id: str) -> int:
    return index(s["orgs"]["ous"], id=ou_id)


def attached_volume(s: Snapshot) -> int:
    return next(i for i, v in enumerate(region(s)["volumes"]) if v["instance_id"])


def account_index(s: Snapshot, account: str) -> int:
    return index(s["orgs"]["accounts"], id=account)


def _cycle(s: Snapshot) -> str:
    # Engineering (ou-1234-5example) holds ou-1234-6example; make each the other's parent.
    top = ou_index(s, "ou-1234-5example")
    s["orgs"]["ous"][top]["parent_id"] = "ou-1234-6example"
    return f"orgs.ous[{top}]"


def _too_deep(s: Snapshot) -> str:
    parent = "ou-1234-6example"  # already two levels under the root
    for level in range(4):
        ou = f"ou-1234-deep000{level}"
        s["orgs"]["ous"].append(
            {"id": ou, "org_id": "o-123example", "parent_id": parent, "name": f"deep{level}"}
        )
        parent = ou
    return f"orgs.ous[{len(s['orgs']['ous']) - 1}]"


def _set(path: Callable[[Snapshot], dict], key: str, value: Any) -> Callable[[Snapshot], None]:
    return lambda s: path(s).__setitem__(key, value)


def _dangling_alias(s: Snapshot) -> str:
    i = index(s["kms"]["aliases"], name="alias/data")
    s["kms"]["aliases"][i]["target_key_id"] = "00000000-0000-0000-0000-000000000000"
    return f"kms.aliases[{i}].target_key_id"


def _bad_policy(s: Snapshot) -> str:
    i = index(s["kms"]["keys"], description="data")
    s["kms"]["keys"][i]["policy"] = '{"Statement": "everything"}'
    return f"kms.keys[{i}].policy"


def _key_of_another_region(s: Snapshot) -> str:
    i = index(region(s)["snapshots"], encrypted=True)
    snap = region(s)["snapshots"][i]
    snap["kms_key_id"] = snap["kms_key_id"].replace("us-east-1", "eu-west-1")
    return f"{R}.snapshots[{i}].kms_key_id"


def _member_of_nothing(s: Snapshot) -> str:
    i = account_index(s, "111122223333")
    s["orgs"]["accounts"][i]["org_id"] = "o-nosuchorg0"
    return f"orgs.accounts[{i}].org_id"


def _parent_elsewhere(s: Snapshot) -> str:
    i = account_index(s, "111122223333")
    s["orgs"]["accounts"][i]["parent_id"] = "ou-zzzz-zzzzzzzz"
    return f"orgs.accounts[{i}].parent_id"


def _half_member(s: Snapshot) -> str:
    i = account_index(s, "111122223333")
    s["orgs"]["accounts"][i]["parent_id"] = None
    return f"orgs.accounts[{i}]"


def _management_outside(s: Snapshot) -> str:
    s["orgs"]["organizations"][0]["management_account"] = "999988887777"
    return "orgs.organizations[0].management_account"


def _malformed_grant(s: Snapshot) -> str:
    grants = region(s)["images"][0]["launch_permissions"]
    grants.append({"kind": "ou", "value": "ou-1234-5example"})  # a bare id, not an ARN
    return f"{R}.images[0].launch_permissions[{len(grants) - 1}]"


def _missing_snapshot(s: Snapshot) -> str:
    i = index(region(s)["images"], name="from-instance")
    region(s)["images"][i]["block_devices"][0]["snapshot_id"] = "snap-0123456789abcdef0"
    return f"{R}.images[{i}].block_devices[0].snapshot_id"


def _unknown_instance(s: Snapshot) -> str:
    i = attached_volume(s)
    region(s)["volumes"][i]["instance_id"] = "i-0123456789abcdef0"
    return f"{R}.volumes[{i}].instance_id"


def _duplicate_image(s: Snapshot) -> str:
    images = region(s)["images"]
    images.append(copy.deepcopy(images[0]))
    return f"{R}.images[{len(images) - 1}].image_id"


def _session_under_another_key(s: Snapshot) -> str:
    key = next(iter(s["sessions"]))
    s["sessions"]["ASIAOTHERKEY0000"] = s["sessions"].pop(key)
    return "sessions.ASIAOTHERKEY0000.access_key"


def _too_deep_document(s: Snapshot) -> str:
    nested: Any = "x"
    for _ in range(40):
        nested = [nested]
    s["config"]["access_keys"] = {"AKIADEEP": nested}
    # The 32nd container down is one too many: root, config, access_keys, then 29 lists.
    return "config.access_keys.AKIADEEP" + "[0]" * 29


def _image_field(key: str, value: Any) -> Callable[[Snapshot], str]:
    def change(s: Snapshot) -> str:
        region(s)["images"][0][key] = value
        return f"{R}.images[0].{key}"

    return change


def _field(kind: str, key: str, value: Any, pick: Callable[[Snapshot], int] = lambda s: 0):
    def change(s: Snapshot) -> str:
        i = pick(s)
        region(s)[kind][i][key] = value
        return f"{R}.{kind}[{i}].{key}"

    return change


def _drop(kind: str, key: str) -> Callable[[Snapshot], str]:
    def change(s: Snapshot) -> str:
        del region(s)[kind][0][key]
        return f"{R}.{kind}[0].{key}"

    return change


def _top(key: str, value: Any) -> Callable[[Snapshot], str]:
    def change(s: Snapshot) -> str:
        if value is None:
            del s[key]
        else:
            s[key] = value
        return key

    return change


BAD_SNAPSHOTS: dict[str, tuple[Callable[[Snapshot], str], str]] = {
    "owner not an account": (_image_field("owner", "root"), "12-digit account id"),
    "unknown key": (_image_field("colour", "blue"), "unknown key"),
    "missing key": (_drop("snapshots", "owner"), "required key is missing"),
    "string for a number": (_field("volumes", "size", "8"), "whole number"),
    "boolean for a number": (_field("volumes", "size", True), "whole number"),
    "malformed image id": (_image_field("image_id", "ami-NOPE"), "an image id"),
    "unknown instance state": (_field("instances", "state", "exploded"), "expected one of"),
    "not a time": (_field("snapshots", "start_time", "yesterday"), "a time like"),
    "filed under another Region": (_image_field("region", "eu-west-1"), "filed under"),
    "two images with one id": (_duplicate_image, "listed twice"),
    "OU tree with a cycle": (_cycle, "cycle"),
    "more than 5 levels of OUs": (_too_deep, "more than 5 levels"),
    "member of an unknown organization": (_member_of_nothing, "no organization"),
    "parent outside the organization": (_parent_elsewhere, "neither the root nor an OU"),
    "member without a parent": (_half_member, "both set"),
    "management account outside": (_management_outside, "not a member"),
    "alias of a missing key": (_dangling_alias, "no key"),
    "key policy that does not parse": (_bad_policy, "Statement"),
    "key of another Region": (_key_of_another_region, "expected a key of us-east-1"),
    "malformed grant": (_malformed_grant, "malformed ou grant"),
    "image over a missing snapshot": (_missing_snapshot, "no snapshot"),
    "volume attached to a missing instance": (_unknown_instance, "no instance"),
    "session filed under another key": (_session_under_another_key, "differs"),
    "document nested too deep": (_too_deep_document, "nested deeper than 32"),
    "no format marker": (_top("format", None), "required key is missing"),
    "another format": (_top("format", "moto-state"), "expected 'ami-emulator-state'"),
    "a newer version": (_top("version", 2), "unsupported version 2"),
}


@pytest.mark.parametrize("case", BAD_SNAPSHOTS)
def test_a_bad_snapshot_is_refused_at_its_path_and_changes_nothing(
    server: RunningServer, rich: Snapshot, case: str
) -> None:
    change, words = BAD_SNAPSHOTS[case]
    before = snapshot_of(server.url)
    bad = copy.deepcopy(rich)
    path = change(bad)
    status, answer = put(server, json.dumps(bad))
    assert status == 400, answer
    assert answer["path"] == path
    assert answer["error"].startswith(f"Invalid snapshot: {path}: ")
    assert words in answer["error"]
    assert snapshot_of(server.url) == before


def test_the_good_snapshot_loads_and_round_trips(server: RunningServer, rich: Snapshot) -> None:
    assert rich["format"] == "ami-emulator-state" and rich["version"] == 1
    assert put(server, json.dumps(rich)) == (200, {"status": "loaded"})
    assert snapshot_of(server.url) == redact(rich)


def test_a_document_with_too_many_values_is_refused(server: RunningServer, rich: Snapshot) -> None:
    before = snapshot_of(server.url)
    status, answer = put(server, json.dumps({**rich, "padding": [0] * 2_000_001}))
    assert status == 400
    assert "more than 2000000 values" in answer["error"]
    assert snapshot_of(server.url) == before


SCENARIO_CYCLE = """\
organizations:
  - management_account: "210987654321"
    ous: &tree
      - name: Loop
        ous: *tree
"""
SCENARIO_TOO_DEEP = """\
organizations:
  - management_account: "210987654321"
    ous:
      - name: L1
        ous:
          - name: L2
            ous:
              - name: L3
                ous:
                  - name: L4
                    ous:
                      - name: L5
                        ous:
                          - name: L6
"""
SCENARIO_DANGLING_KEY = """\
images:
  - owner: "210987654321"
    name: encrypted
    block_devices:
      - device_name: /dev/xvda
        kms_key_id: alias/never-made
"""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (SCENARIO_CYCLE, 5, "an alias inside the node it names makes a cycle"),
        (SCENARIO_TOO_DEEP, 14, "ous[0].ous[0].ous[0].ous[0].ous[0]: ou depth limit exceeded"),
        (SCENARIO_DANGLING_KEY, 5, "images[0].block_devices[0]: kms key not found"),
    ],
)
def test_a_scenario_cannot_build_a_cyclic_or_deep_tree_or_dangling_keys(
    server: RunningServer, rich: Snapshot, tmp_path: Path, text: str, line: int, words: str
) -> None:
    before = snapshot_of(server.url)
    status, answer = put(server, text, **{"Content-Type": "application/yaml"})
    assert status == 400
    assert words in answer["error"] and answer["line"] == line
    assert snapshot_of(server.url) == before
    scenario = tmp_path / "world.yaml"
    scenario.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "check", str(scenario)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"ami-emulator: {scenario}:{line}: ")
    assert words in done.stderr and "Traceback" not in done.stderr


def test_a_scenario_error_names_its_path_and_line(server: RunningServer, rich: Snapshot) -> None:
    before = snapshot_of(server.url)
    text = (
        'organizations:\n  - management_account: "210987654321"\n'
        "images:\n  - {owner: x, name: gold}\n"
    )
    status, answer = put(server, text)
    assert status == 400
    assert answer["path"] == "images[0].owner" and answer["line"] == 4
    assert snapshot_of(server.url) == before


@pytest.mark.parametrize(
    ("form", "record"),
    [
        (snapshot_schema.ORGANIZATION, Organization),
        (snapshot_schema.ORG_UNIT, OrgUnit),
        (snapshot_schema.ACCOUNT_RECORD, Account),
        (snapshot_schema.CREATE_ACCOUNT_REQUEST, CreateAccountRequest),
        (snapshot_schema.SESSION, Session),
        (snapshot_schema.KEY, Key),
        (snapshot_schema.ALIAS, Alias),
        (snapshot_schema.IMAGE, Image),
        (snapshot_schema.BLOCK_DEVICE, BlockDevice),
        (snapshot_schema.SNAPSHOT, EbsSnapshot),
        (snapshot_schema.VOLUME, Volume),
        (snapshot_schema.INSTANCE, Instance),
        (snapshot_schema.CONFIG, WorldConfig),
    ],
)
def test_the_declared_form_has_every_field_of_its_record(form: Record, record: type) -> None:
    """A field added to a record must be declared too, or every snapshot would be refused."""
    assert set(form.fields) == {f.name for f in dataclasses.fields(record)}
