"""A decided call's cost as the organization's policies grow: 10 against 1,000 policies.

RunInstances with DryRun by a role session in a member account: the gate's and the image's
whole decision (the SCPs of the account's path, the role's identity policies, the launch
permission), stopping at the commit point so the world does not grow. Half the policies are
SCPs attached around the organization (at most five per target, as Organizations allows),
half customer managed policies in the member account (four attached to the role at
every size). In process
(``emulator.testing``), so the figures are the emulator's work plus botocore's.

    python -m bench.policies [--sizes 10 1000]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.core.world import World
from emulator.testing import in_process_client
from emulator.testing.inprocess import ENDPOINT, answer

MGMT = "123456789012"
REGION = "us-east-1"
SCP = "SERVICE_CONTROL_POLICY"
PER_TARGET = 4  # besides FullAWSAccess: Organizations allows five SCPs on a target
# The role carries the same policies at every size (AdministratorAccess and four more), so
# the figures compare the organization's size, not the role's.
ROLE_ATTACHED = 4


def seconds(call: Callable[[], Any], rounds: int = 30) -> float:
    """The best of ``rounds`` runs: what the call costs, not what the machine did meanwhile.
    The garbage collector waits while they run, as ``timeit`` has it: a bigger world only
    makes its passes longer, which is no work of the call's."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def _document(action: str, sid: str) -> str:
    statement = {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def world_with(policies: int) -> tuple[World, Any, str]:
    """A world with ``policies`` policies; the member role's EC2 client and the image id."""
    world = World()
    orgs = in_process_client(world, "organizations", MGMT, REGION)
    orgs.create_organization()
    root = orgs.list_roots()["Roots"][0]["Id"]
    member = orgs.create_account(Email="m@example.com", AccountName="member")
    member_id = member["CreateAccountStatus"]["AccountId"]
    orgs.enable_policy_type(RootId=root, PolicyType=SCP)
    scps, managed = policies // 2, policies - policies // 2
    targets = [root]
    for i in range(max(0, (scps + PER_TARGET - 1) // PER_TARGET - 1)):
        ou = orgs.create_organizational_unit(ParentId=root, Name=f"ou-{i}")
        targets.append(ou["OrganizationalUnit"]["Id"])
    for i in range(scps):
        policy = orgs.create_policy(
            Name=f"scp-{i}", Description="", Type=SCP, Content=_document("ec2:*", f"S{i}")
        )["Policy"]["PolicySummary"]["Id"]
        orgs.attach_policy(PolicyId=policy, TargetId=targets[i // PER_TARGET])
    iam = in_process_client(world, "iam", member_id, REGION)
    role = "OrganizationAccountAccessRole"
    for i in range(managed):
        arn = iam.create_policy(PolicyName=f"managed-{i}", PolicyDocument=_document("s3:*", "M"))[
            "Policy"
        ]["Arn"]
        if i < ROLE_ATTACHED:
            iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    image = in_process_client(world, "ec2", MGMT, REGION).register_image(Name="golden")
    image_id = image["ImageId"]
    in_process_client(world, "ec2", MGMT, REGION).modify_image_attribute(
        ImageId=image_id, LaunchPermission={"Add": [{"UserId": member_id}]}
    )
    creds = in_process_client(world, "sts", MGMT, REGION).assume_role(
        RoleArn=f"arn:aws:iam::{member_id}:role/{role}", RoleSessionName="bench"
    )["Credentials"]
    ec2 = boto3.client(
        "ec2",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(retries={"max_attempts": 1}),
    )
    ec2.meta.events.register("before-send", lambda request, **_: answer(world, request))
    return world, ec2, image_id


def _dry_run(ec2: Any, image_id: str) -> None:
    try:
        ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, DryRun=True)
    except ClientError as err:
        if err.response["Error"]["Code"] != "DryRunOperation":
            raise


def measure(sizes: list[int]) -> dict[int, float]:
    """For each number of policies: one decided RunInstances (DryRun), in seconds."""
    out = {}
    for n in sizes:
        _, ec2, image_id = world_with(n)
        _dry_run(ec2, image_id)  # warm: the policies are parsed once
        out[n] = seconds(lambda e=ec2, i=image_id: _dry_run(e, i))
    return out


def markdown(result: dict[int, float]) -> str:
    """The section of bench/results.md: each size's time as a ratio to the smallest size's."""
    base = result[min(result)]
    rows = [f"| {n:,} | {t * 1000:.2f} ms ({t / base:.2f}x) |" for n, t in sorted(result.items())]
    return "\n".join(
        [
            "## A decided RunInstances as the organization's policies grow (in process)",
            "",
            "| policies (SCPs + customer managed) | RunInstances by a member role (DryRun) |",
            "|---|---|",
            *rows,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000])
    print(markdown(measure(parser.parse_args().sizes)))


if __name__ == "__main__":
    main()
