"""AWS STS: who am I, and AssumeRole into member accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.api.errors import QUERY_EDGE_ENTRIES, Catalogue, Entry
from emulator.api.registry import Call, catalogue, operation

catalogue(
    Catalogue(
        "sts",
        {
            "assume_role_denied": Entry(
                "AccessDenied",
                "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}",
                403,
            ),
            "invalid_role_arn": Entry(
                "ValidationError",
                "{value} is invalid: RoleArn must be an IAM role ARN "
                "(arn:aws:iam::<account>:role/<name>)",
            ),
            "invalid_session_name": Entry(
                "ValidationError",
                "1 validation error detected: Value '{value}' at 'roleSessionName' "
                "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                "[\\w+=,.@-]{{2,64}}",
            ),
            "invalid_duration": Entry(
                "ValidationError",
                "1 validation error detected: Value '{value}' at 'durationSeconds' "
                "failed to satisfy constraint: Member must have value between 900 and 43200",
            ),
            "missing_parameter": Entry(
                "MissingParameter", "The request must contain the parameter {name}"
            ),
            "invalid_parameter_value": Entry(
                "InvalidParameterValue", "Value ({value}) for parameter {name} is invalid."
            ),
            "unknown_parameter": Entry(
                "InvalidParameterValue", "The parameter {name} is not recognized"
            ),
            "malformed_body": Entry("MalformedQueryString", "{detail}"),
            "invalid_action": Entry(
                "InvalidAction", "The action {action} is not supported by this emulator."
            ),
            **QUERY_EDGE_ENTRIES,
        },
    )
)


@operation("sts", "GetCallerIdentity")
def get_caller_identity(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's account and ARN: the account root, or the assumed-role session."""
    session = call.world.sessions.get(call.access_key)
    if session is not None:
        return {"UserId": session.user_id, "Account": session.account, "Arn": session.arn}
    return {
        "UserId": call.account,
        "Account": call.account,
        "Arn": f"arn:aws:iam::{call.account}:root",
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
