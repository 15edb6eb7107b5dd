"""Who a request acts as: IAM users by their access keys, roles by AssumeRole, and the roles
Organizations makes; the AWS CLI's `aws iam` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.core.world import World
from emulator.server import RunningServer
from tests.conftest import CLIENT_CONFIG, CliError
from tests.e2e.worlds import ClientFactory, aws_error
from tests.security.sigv4 import serve
from tests.security.world_data import http

MGMT = "123456789012"
ACCOUNT = "111122223333"
OTHER = "444455556666"
ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def trust(*principals: str, condition: dict | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def client(server: RunningServer, service: str, keys: dict[str, str]) -> Any:
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys.get("SessionToken"),
        config=CLIENT_CONFIG,
    )


def new_user(aws: ClientFactory, account: str, name: str) -> dict[str, str]:
    iam = aws("iam", account=account)
    iam.create_user(UserName=name)
    return iam.create_access_key(UserName=name)["AccessKey"]


def test_a_user_key_acts_as_that_user(aws: ClientFactory, server: RunningServer) -> None:
    keys = new_user(aws, ACCOUNT, "alice")
    user = aws("iam", account=ACCOUNT).get_user(UserName="alice")["User"]
    ident = client(server, "sts", keys).get_caller_identity()
    assert ident == {
        "UserId": user["UserId"],
        "Account": ACCOUNT,
        "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "ResponseMetadata": ident["ResponseMetadata"],
    }
    own = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:GetUser", "iam:ListAccessKeys"],
                "Resource": f"arn:aws:iam::{ACCOUNT}:user/alice",
            },
            {"Effect": "Allow", "Action": "ec2:RegisterImage", "Resource": "*"},
        ],
    }
    aws("iam", account=ACCOUNT).put_user_policy(
        UserName="alice", PolicyName="own", PolicyDocument=json.dumps(own)
    )
    iam = client(server, "iam", keys)
    assert iam.get_user()["User"]["UserName"] == "alice"  # no name: the caller
    assert [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]] == [
        keys["AccessKeyId"]
    ]
    image = client(server, "ec2", keys).register_image(Name="by-alice")["ImageId"]
    owner = aws("ec2", account=ACCOUNT).describe_images(ImageIds=[image])["Images"][0]
    assert owner["OwnerId"] == ACCOUNT


def test_the_root_user_needs_a_user_name_for_key_calls(aws: ClientFactory) -> None:
    with aws_error("InvalidInput", "Must specify userName when calling with non-User credentials"):
        aws("iam", account=ACCOUNT).create_access_key()


def test_a_deleted_key_stops_acting_as_the_user(aws: ClientFactory, server) -> None:
    keys = new_user(aws, ACCOUNT, "alice")
    aws("iam", account=ACCOUNT).delete_access_key(UserName="alice", AccessKeyId=keys["AccessKeyId"])
    ident = client(server, "sts", keys).get_caller_identity()
    assert ident["Arn"] != f"arn:aws:iam::{ACCOUNT}:user/alice"


def test_create_account_makes_the_org_role(aws: ClientFactory) -> None:
    orgs = aws("organizations", account=MGMT)
    orgs.create_organization()
    made = orgs.create_account(Email="m@example.com", AccountName="member")
    member = made["CreateAccountStatus"]["AccountId"]
    iam = aws("iam", account=member)
    role = iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"},
            "Action": "sts:AssumeRole",
        }
    ]
    assert role["MaxSessionDuration"] == 3600
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["OrganizationAccountAccessRole"]
    attached = iam.list_attached_role_policies(RoleName="OrganizationAccountAccessRole")
    assert attached["AttachedPolicies"] == [
        {
            "PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
        }
    ]
    named = orgs.create_account(Email="n@example.com", AccountName="n", RoleName="Admin")
    other = named["CreateAccountStatus"]["AccountId"]
    assert aws("iam", account=other).get_role(RoleName="Admin")["Role"]["RoleName"] == "Admin"
    assert aws("iam", account=MGMT).list_roles()["Roles"] == []


@pytest.fixture
def member(aws: ClientFactory) -> str:
    orgs = aws("organizations", account=MGMT)
    orgs.create_organization()
    return orgs.create_account(Email="m@example.com", AccountName="member")["CreateAccountStatus"][
        "AccountId"
    ]


def test_a_management_user_assumes_the_org_role_only_with_its_own_permission(
    aws: ClientFactory, server: RunningServer, member: str
) -> None:
    keys = new_user(aws, MGMT, "ops")
    sts = client(server, "sts", keys)
    arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    with aws_error(
        "AccessDenied",
        f"User: arn:aws:iam::{MGMT}:user/ops is not authorized to perform: sts:AssumeRole on "
        f"resource: {arn}",
        403,
    ):
        sts.assume_role(RoleArn=arn, RoleSessionName="s1")
    aws("iam", account=MGMT).put_user_policy(
        UserName="ops", PolicyName="assume", PolicyDocument=ASSUME
    )
    creds = sts.assume_role(RoleArn=arn, RoleSessionName="s1")["Credentials"]
    ident = client(server, "sts", creds).get_caller_identity()
    role_id = aws("iam", account=member).get_role(RoleName="OrganizationAccountAccessRole")
    assert ident["Arn"] == f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/s1"
    assert ident["UserId"] == f"{role_id['Role']['RoleId']}:s1"


def test_an_explicit_deny_in_the_callers_policy_wins(
    aws: ClientFactory, server: RunningServer, member: str
) -> None:
    keys = new_user(aws, MGMT, "ops")
    iam = aws("iam", account=MGMT)
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=ASSUME)
    deny = json.loads(ASSUME)
    deny["Statement"][0]["Effect"] = "Deny"
    iam.put_user_policy(UserName="ops", PolicyName="deny", PolicyDocument=json.dumps(deny))
    with aws_error("AccessDenied", status=403):
        client(server, "sts", keys).assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
            RoleSessionName="s1",
        )


def test_any_role_by_its_trust_policy_and_max_session_duration(
    aws: ClientFactory, server: RunningServer
) -> None:
    iam = aws("iam", account=ACCOUNT)
    keys = new_user(aws, OTHER, "builder")
    builder = f"arn:aws:iam::{OTHER}:user/builder"
    iam.create_role(
        RoleName="deploy",
        Path="/ci/",
        AssumeRolePolicyDocument=trust(builder),
        MaxSessionDuration=7200,
    )
    arn = f"arn:aws:iam::{ACCOUNT}:role/ci/deploy"
    sts = client(server, "sts", keys)
    with aws_error("AccessDenied", status=403):  # cross-account: its own policy must allow
        sts.assume_role(RoleArn=arn, RoleSessionName="s1")
    aws("iam", account=OTHER).put_user_policy(
        UserName="builder", PolicyName="a", PolicyDocument=ASSUME
    )
    with aws_error("AccessDenied", status=403):  # the ARN must carry the role's path
        sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/deploy", RoleSessionName="s1")
    creds = sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200)
    assert creds["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/s1"
    with aws_error(
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    ):
        sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=7201)
    with aws_error("AccessDenied", status=403):  # the account's root is not named
        aws("sts", account=OTHER).assume_role(RoleArn=arn, RoleSessionName="s1")


def test_a_same_account_role_naming_the_user_needs_no_identity_policy(
    aws: ClientFactory, server: RunningServer
) -> None:
    keys = new_user(aws, ACCOUNT, "alice")
    iam = aws("iam", account=ACCOUNT)
    iam.create_role(
        RoleName="named", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:user/alice")
    )
    iam.create_role(RoleName="account", AssumeRolePolicyDocument=trust(ACCOUNT))
    sts = client(server, "sts", keys)
    assert sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/named", RoleSessionName="s1")
    with aws_error("AccessDenied", status=403):  # trusting the account delegates to policies
        sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/account", RoleSessionName="s1")


def test_trust_policy_conditions_read_the_callers_organization(
    aws: ClientFactory, member: str
) -> None:
    org = aws("organizations", account=MGMT).describe_organization()["Organization"]["Id"]
    iam = aws("iam", account=ACCOUNT)
    iam.create_role(
        RoleName="org-only",
        AssumeRolePolicyDocument=trust(
            "*", condition={"StringEquals": {"aws:PrincipalOrgID": org}}
        ),
    )
    arn = f"arn:aws:iam::{ACCOUNT}:role/org-only"
    assert aws("sts", account=member).assume_role(RoleArn=arn, RoleSessionName="s1")
    with aws_error("AccessDenied", status=403):
        aws("sts", account=OTHER).assume_role(RoleArn=arn, RoleSessionName="s1")


def test_role_chaining_is_held_to_an_hour(
    aws: ClientFactory, server: RunningServer, member: str
) -> None:
    creds = aws("sts", account=MGMT).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="a1"
    )["Credentials"]
    session = f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/a1"
    iam = aws("iam", account=member)
    iam.create_role(
        RoleName="next",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"),
        MaxSessionDuration=7200,
    )
    sts = client(server, "sts", creds)
    arn = f"arn:aws:iam::{member}:role/next"
    with aws_error(
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
    ):
        sts.assume_role(RoleArn=arn, RoleSessionName="b1", DurationSeconds=3601)
    chained = sts.assume_role(RoleArn=arn, RoleSessionName="b1")["AssumedRoleUser"]["Arn"]
    assert chained == f"arn:aws:sts::{member}:assumed-role/next/b1"
    iam.create_role(RoleName="closed", AssumeRolePolicyDocument=trust(MGMT))
    with aws_error(
        "AccessDenied",
        f"User: {session} is not authorized to perform: sts:AssumeRole on resource: "
        f"arn:aws:iam::{member}:role/closed",
        403,
    ):
        sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/closed", RoleSessionName="b1")


def test_user_secrets_are_redacted_from_the_state(aws: ClientFactory, server) -> None:
    keys = new_user(aws, ACCOUNT, "alice")
    status, state = http(f"{server.url}/_emulator/state")
    assert status == 200
    [key] = state["iam"]["access_keys"]
    assert key["id"] == keys["AccessKeyId"] and key["secret"] == "<redacted>"
    assert keys["SecretAccessKey"] not in json.dumps(state)
    assert state["iam"]["users"][0]["name"] == "alice"
    status, _ = http(f"{server.url}/_emulator/state", "PUT", json.dumps(state))
    assert status == 200
    # Loaded back, the redacted secret is the one the world held: the key still works.
    assert client(server, "sts", keys).get_caller_identity()["Arn"].endswith(":user/alice")


@pytest.fixture(scope="module")
def verifying() -> Iterator[RunningServer]:
    running = serve(World(), verify_signatures=True)
    yield running
    running.stop()


def test_a_user_key_is_proven_with_its_secret(verifying: RunningServer) -> None:
    world = verifying.world
    with world.lock:
        world.iam.create_user(ACCOUNT, "alice")
        made = world.iam.create_access_key(ACCOUNT, "alice")
    keys = {"AccessKeyId": made.id, "SecretAccessKey": made.secret}
    ident = client(verifying, "sts", keys).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    wrong = {**keys, "SecretAccessKey": "not-the-secret"}
    with pytest.raises(ClientError) as err:
        client(verifying, "iam", wrong).get_user()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_the_aws_cli_manages_users_roles_and_policies(cli) -> None:
    user = cli("iam", "create-user", "--user-name", "cli-user", account=ACCOUNT)["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/cli-user"
    listed = cli("iam", "list-users", account=ACCOUNT)["Users"]
    assert [u["UserName"] for u in listed] == ["cli-user"]
    key = cli("iam", "create-access-key", "--user-name", "cli-user", account=ACCOUNT)
    assert key["AccessKey"]["AccessKeyId"].startswith("AKIA")
    role = cli(
        "iam",
        "create-role",
        "--role-name",
        "cli-role",
        "--assume-role-policy-document",
        trust(ACCOUNT),
        account=ACCOUNT,
    )["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    cli(
        "iam",
        "attach-role-policy",
        "--role-name",
        "cli-role",
        "--policy-arn",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        account=ACCOUNT,
    )
    attached = cli("iam", "list-attached-role-policies", "--role-name", "cli-role", account=ACCOUNT)
    assert attached["AttachedPolicies"][0]["PolicyName"] == "ReadOnlyAccess"
    with pytest.raises(CliError) as err:
        cli("iam", "get-user", "--user-name", "nobody", account=ACCOUNT)
    assert "NoSuchEntity" in err.value.stderr
    assert "The user with name nobody cannot be found." in err.value.stderr
