"""AWS STS: who am I, and AssumeRole into member accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.api.registry import Call, operation


@operation("sts", "GetCallerIdentity")
def get_caller_identity(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's account and ARN: the account root, or the assumed-role session."""
    session = call.world.sessions.get(call.access_key)
    if session is not None:
        return {"UserId": session.user_id, "Account": session.account, "Arn": session.arn}
    return {
        "UserId": call.account,
        "Account": call.account,
        "Arn": f"arn:{call.partition}:iam::{call.account}:root",
    }


@operation("sts", "AssumeRole")
def assume_role(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The management account assumes `OrganizationAccountAccessRole` in a member account;
    the temporary access key then acts as that member. Anyone else gets `AccessDenied`."""
    session = call.world.sessions.assume_role(
        call.account,
        params["RoleArn"],
        params["RoleSessionName"],
        params.get("DurationSeconds", 3600),
        call.world.orgs.membership,
        partition=call.partition,
    )
    return {
        "Credentials": {
            "AccessKeyId": session.access_key,
            "SecretAccessKey": session.secret_key,
            "SessionToken": session.token,
            "Expiration": datetime.fromisoformat(session.expires),
        },
        "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
        "PackedPolicySize": 0,
    }
