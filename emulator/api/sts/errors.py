"""Every STS error the emulator can answer: reason token -> code, message and status."""

from __future__ import annotations

from emulator.api.errors import QUERY_EDGE_ENTRIES, Catalogue, Entry
from emulator.api.registry import catalogue

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
