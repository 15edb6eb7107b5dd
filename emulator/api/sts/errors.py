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
            # Recorded from AWS (LocalStack's tests/aws/services/sts/test_sts.snapshot.json):
            # "nothing-valid-in-here is invalid", "1 validation error detected: Value
            # 'Session1:2' at 'roleSessionName' failed to satisfy constraint: ...".
            "invalid_role_arn": Entry("ValidationError", "{value} is invalid"),
            "constraint_violations": Entry(
                "ValidationError", "{count} validation {errors} detected: {violations}"
            ),
            "duration_exceeds_role_maximum": Entry(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ),
            # Recorded: "The requested DurationSeconds exceeds the 1 hour session limit for
            # roles assumed by role chaining." (aws/aws-cli#5203, hashicorp/terraform#24932).
            "duration_exceeds_chained_maximum": Entry(
                "ValidationError",
                "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                "assumed by role chaining.",
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
            # The Query services' answer for an action they lack (aws/aws-cli#37, SES:
            # "Could not find operation GetSendStatistics for version 2012-12-01").
            "invalid_action": Entry(
                "InvalidAction", "Could not find operation {action} for version 2011-06-15"
            ),
            **QUERY_EDGE_ENTRIES,
        },
    )
)
