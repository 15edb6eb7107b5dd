"""Every IAM error the emulator can answer: reason token -> code, message and status.

The codes and statuses are the error shapes of botocore's IAM model; the messages are
IAM's as its answers are quoted in bug reports and the API reference.
"""

from __future__ import annotations

from emulator.api.errors import QUERY_EDGE_ENTRIES, Catalogue, Entry
from emulator.api.registry import catalogue


def _missing(message: str) -> Entry:
    return Entry("NoSuchEntity", message, 404)


catalogue(
    Catalogue(
        "iam",
        {
            "user_not_found": _missing("The user with name {name} cannot be found."),
            "role_not_found": _missing("The role with name {name} cannot be found."),
            "user_policy_not_found": _missing(
                "The user policy with name {policy} cannot be found."
            ),
            "role_policy_not_found": _missing(
                "The role policy with name {policy} cannot be found."
            ),
            "policy_not_found": _missing("Policy {arn} was not found."),
            "policy_not_attachable": _missing("Policy {arn} does not exist or is not attachable."),
            "policy_version_not_found": _missing(
                "Policy {arn} version {version} does not exist or is not attachable."
            ),
            "access_key_not_found": _missing("The Access Key with id {key} cannot be found."),
            "user_exists": Entry(
                "EntityAlreadyExists", "User with name {name} already exists.", 409
            ),
            "role_exists": Entry(
                "EntityAlreadyExists", "Role with name {name} already exists.", 409
            ),
            "policy_exists": Entry(
                "EntityAlreadyExists",
                "A policy called {name} already exists. Duplicate names are not allowed.",
                409,
            ),
            "delete_conflict": Entry(
                "DeleteConflict", "Cannot delete entity, must {what} first.", 409
            ),
            "policy_attached": Entry(
                "DeleteConflict", "Cannot delete a policy attached to entities.", 409
            ),
            "policy_has_versions": Entry(
                "DeleteConflict",
                "This policy has more than one version. Before you delete a policy, you must "
                "delete the policy's versions. The default version is deleted with the policy.",
                409,
            ),
            "delete_default_version": Entry(
                "DeleteConflict", "Cannot delete the default version of a policy.", 409
            ),
            "quota": Entry("LimitExceeded", "Cannot exceed quota for {quota}: {limit}", 409),
            "policy_size": Entry(
                "LimitExceeded",
                "Maximum policy size of {limit} bytes exceeded for {kind} {name}",
                409,
            ),
            "too_many_versions": Entry(
                "LimitExceeded",
                "A managed policy can have up to 5 versions. Before you create a new version, "
                "you must delete an existing version.",
                409,
            ),
            "malformed_policy": Entry("MalformedPolicyDocument", "{detail}"),
            "validation": Entry(
                "ValidationError", "{count} validation {errors} detected: {violations}"
            ),
            "bad_enum": Entry(
                "ValidationError",
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
                "constraint: Member must satisfy enum value set: [{values}]",
            ),
            "invalid_arn": Entry("InvalidInput", "ARN {arn} is not valid."),
            "invalid_marker": Entry("InvalidInput", "Invalid Marker."),
            "user_name_needed": Entry(
                "InvalidInput", "Must specify userName when calling with non-User credentials"
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
                "InvalidAction", "Could not find operation {action} for version 2010-05-08"
            ),
            # The policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy)
            "group_not_found": _missing("The group with name {name} cannot be found."),
            "simulation_input": Entry("InvalidInput", "{detail}"),
            **QUERY_EDGE_ENTRIES,
        },
    )
)
