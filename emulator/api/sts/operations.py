"""AWS STS: who am I, and AssumeRole into any role whose trust policy lets the caller in."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from emulator.api.errors import AwsError as StsError
from emulator.api.registry import Call, operation

# STS's answer to a message it cannot read (STS API Reference, DecodeAuthorizationMessage).
INVALID_MESSAGE = "The error message provided is invalid."


@operation("sts", "GetCallerIdentity")
def get_caller_identity(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's account and ARN: the account root, an IAM user, or an assumed-role
    session."""
    caller = call.world.principal_for_key(call.access_key, call.partition)
    return {"UserId": caller.user_id, "Account": caller.account, "Arn": caller.arn}


@operation("sts", "DecodeAuthorizationMessage")
def decode_authorization_message(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The decision behind an EC2 `UnauthorizedOperation`'s encoded message, as the JSON AWS
    documents (allowed, explicitDeny, matchedStatements, failures, context). Only the world
    that refused can read it; the caller needs `sts:DecodeAuthorizationMessage`."""
    decoded = call.world.messages.open(params["EncodedMessage"])
    if decoded is None:
        raise StsError("InvalidAuthorizationMessageException", INVALID_MESSAGE, 400)
    return {"DecodedMessage": json.dumps(decoded)}


@operation("sts", "AssumeRole")
def assume_role(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A session of an IAM role whose trust policy allows the caller (and, for an IAM user
    or role, whose own policies allow `sts:AssumeRole`), for at most the role's
    MaxSessionDuration; the temporary key then acts as the session. Anyone else gets
    `AccessDenied`. Session policies are accepted and not applied."""
    world = call.world
    session = world.sessions.assume_role(
        world.principal_for_key(call.access_key, call.partition),
        params["RoleArn"],
        params["RoleSessionName"],
        params.get("DurationSeconds", 3600),
        world.iam,
        world.orgs.membership,
        external_id=params.get("ExternalId"),
        partition=call.partition,
    )
    answer: dict[str, Any] = {
        "Credentials": {
            "AccessKeyId": session.access_key,
            "SecretAccessKey": session.secret_key,
            "SessionToken": session.token,
            "Expiration": datetime.fromisoformat(session.expires),
        },
        "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
    }
    # AWS answers PackedPolicySize only for a call with session policies (recorded in
    # LocalStack's STS snapshots: absent without, 16 for one small inline policy).
    if "Policy" in params or "PolicyArns" in params:
        answer["PackedPolicySize"] = _packed_size(params)
    return answer


def _packed_size(params: dict[str, Any]) -> int:
    """An estimate of AWS's percentage of the packed-size quota the session policies use:
    AWS's compression is not public, so this is the share of the 2,048 characters an
    inline policy may have, with 100 characters per managed policy ARN."""
    minified = "".join(str(params.get("Policy", "")).split())
    used = len(minified) + 100 * len(params.get("PolicyArns", []))
    return max(1, min(100, math.ceil(100 * used / 2048)))
