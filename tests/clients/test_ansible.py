"""Ansible's amazon.aws modules, unchanged, against the server: ec2_ami shares an image,
ec2_ami_info finds it from the consumer, ec2_instance launches, stops and terminates it.

Runs in `make test-clients` (the ``ansible`` package is large); skipped without it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.worlds import ClientFactory

pytest.importorskip("ansible")

OWNER = "111122223333"
CONSUMER = "444455556666"
REGION = "us-east-1"

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/amazon.aws.aws:
      endpoint_url: "{{ endpoint }}"
      region: "{{ region }}"
      secret_key: ami-emulator
  tasks:
    - name: the owner registers an image from its snapshot and shares it
      amazon.aws.ec2_ami:
        access_key: "{{ owner }}"
        name: ansible-built
        state: present
        root_device_name: /dev/xvda
        device_mapping:
          - device_name: /dev/xvda
            snapshot_id: "{{ snapshot }}"
            volume_type: gp3
        launch_permissions:
          user_ids: ["{{ consumer }}"]
        wait: true
      register: ami

    - name: the consumer finds it by id
      amazon.aws.ec2_ami_info:
        access_key: "{{ consumer }}"
        image_ids: ["{{ ami.image_id }}"]
      register: found

    - name: the consumer launches it in its default VPC
      amazon.aws.ec2_instance:
        access_key: "{{ consumer }}"
        name: from-shared
        image_id: "{{ ami.image_id }}"
        instance_type: t3.micro
        state: running
        wait: true
        wait_timeout: 60
      register: launched

    - name: the consumer stops it
      amazon.aws.ec2_instance:
        access_key: "{{ consumer }}"
        instance_ids: ["{{ launched.instance_ids[0] }}"]
        state: stopped
        wait: true
        wait_timeout: 60

    - name: the consumer terminates it
      amazon.aws.ec2_instance:
        access_key: "{{ consumer }}"
        instance_ids: ["{{ launched.instance_ids[0] }}"]
        state: terminated
        wait: true
        wait_timeout: 60

    - name: the owner takes the share back
      amazon.aws.ec2_ami:
        access_key: "{{ owner }}"
        image_id: "{{ ami.image_id }}"
        state: present
        launch_permissions:
          user_ids: []

    - name: what the playbook saw
      ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ {'ami': ami, 'found': found, 'launched': launched} | to_json }}"
"""


def test_ansible_shares_finds_and_launches(server, aws: ClientFactory, tmp_path: Path) -> None:
    owner = aws("ec2", account=OWNER)
    volume = owner.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    playbook = tmp_path / "share.yml"
    playbook.write_text(PLAYBOOK)
    out = tmp_path / "seen.json"
    extra = {
        "endpoint": server.url,
        "region": REGION,
        "owner": OWNER,
        "consumer": CONSUMER,
        "snapshot": snapshot,
        "out": str(out),
    }
    binary = shutil.which("ansible-playbook", path=str(Path(sys.executable).parent))
    assert binary, "ansible-playbook is installed beside this Python"
    env = {
        **os.environ,
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_HOME": str(tmp_path / "ansible"),
        "ANSIBLE_NOCOLOR": "1",
    }
    run = subprocess.run(
        [binary, "-i", "localhost,", str(playbook), "-e", json.dumps(extra)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    seen = json.loads(out.read_text())
    image_id = seen["ami"]["image_id"]
    assert [i["image_id"] for i in seen["found"]["images"]] == [image_id]
    assert seen["launched"]["instances"][0]["image_id"] == image_id

    consumer = aws("ec2", account=CONSUMER)
    (instance,) = consumer.describe_instances(InstanceIds=seen["launched"]["instance_ids"])[
        "Reservations"
    ][0]["Instances"]
    assert instance["State"]["Name"] == "terminated"
    attribute = owner.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert attribute["LaunchPermissions"] == []
