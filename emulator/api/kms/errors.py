"""Every KMS error the emulator can answer: reason token -> code and message.

Every code is in botocore's KMS model (a test checks it) except ``AccessDeniedException``:
AWS KMS sends it for key policy denials (quoted in many public logs, e.g. "User: ... is not
authorized to perform: kms:DescribeKey on resource: ... because no resource-based policy
allows the kms:DescribeKey action"), yet the model does not list it. The model has no
generic validation error either, so request and value checks answer
``UnsupportedOperationException`` ("a specified parameter is not supported or a specified
resource is not valid for this operation") with AWS's validation wording.
"""

from __future__ import annotations

from emulator.api.errors import EDGE_MESSAGES, Catalogue, Entry
from emulator.api.registry import catalogue

# Codes AWS KMS sends that botocore's model does not declare.
UNMODELED_CODES = frozenset({"AccessDeniedException"})

_DENIED = "User: {principal} is not authorized to perform: {action} on resource: {resource}"


def _validation(message: str) -> Entry:
    return Entry("UnsupportedOperationException", message)


KMS_ERRORS = catalogue(
    Catalogue(
        "kms",
        {
            # Finding keys and aliases.
            "key_not_found": Entry("NotFoundException", "Key '{arn}' does not exist"),
            "alias_not_found": Entry("NotFoundException", "Alias {arn} is not found."),
            "invalid_key_id": Entry("NotFoundException", "Invalid keyId '{key_id}'"),
            "policy_not_found": Entry("NotFoundException", "No such policy exists: {name}"),
            # Key policies.
            "access_denied": Entry(
                "AccessDeniedException",
                _DENIED + " because no resource-based policy allows the {action} action",
            ),
            "access_denied_explicit": Entry(
                "AccessDeniedException",
                _DENIED + " with an explicit deny in a resource-based policy",
            ),
            "cross_account_not_supported": Entry(
                "AccessDeniedException",
                _DENIED + " because {action} cannot be used on a key in another account",
            ),
            "malformed_policy": Entry("MalformedPolicyDocumentException", "{detail}"),
            "policy_lockout": Entry(
                "MalformedPolicyDocumentException",
                "The new key policy will not allow you to update the key policy in the future.",
            ),
            # Key states.
            "key_pending_deletion": Entry("KMSInvalidStateException", "{arn} is pending deletion."),
            "key_not_pending_deletion": Entry(
                "KMSInvalidStateException", "{arn} is not pending deletion."
            ),
            # Aliases.
            "alias_exists": Entry(
                "AlreadyExistsException", "An alias with the name {arn} already exists"
            ),
            "alias_prefix": Entry(
                "InvalidAliasNameException", 'Alias must start with the prefix "alias/".'
            ),
            "alias_reserved": Entry(
                "InvalidAliasNameException",
                "Alias {name} cannot begin with alias/aws/: that prefix is reserved for AWS "
                "managed keys.",
            ),
            "alias_name_invalid": Entry(
                "InvalidAliasNameException",
                "Alias {name} must be at most 256 characters of a-z, A-Z, 0-9, /, _ and -.",
            ),
            # Paging.
            "next_token_invalid": Entry("InvalidMarkerException", "Invalid marker: {token}"),
            # Values.
            "value_out_of_range": _validation(
                "1 validation error detected: Value '{value}' at '{name}' failed to satisfy "
                "constraint: Member must have value between {low} and {high}"
            ),
            "too_long": _validation(
                "1 validation error detected: Value '{value}' at '{name}' failed to satisfy "
                "constraint: Member must have length less than or equal to {most}"
            ),
            "unsupported_value": _validation("{name} {value} is not supported."),
            # Reading the request.
            "missing_parameter": _validation(
                "1 validation error detected: Value null at '{name}' failed to satisfy "
                "constraint: Member must not be null"
            ),
            "invalid_parameter_value": _validation(
                "1 validation error detected: Value '{value}' at '{name}' is not valid"
            ),
            "unknown_parameter": _validation("Unknown parameter: {name}"),
            "malformed_body": _validation("{detail}"),
            "invalid_action": _validation("The operation {action} is not supported."),
            # Refused by the HTTP layer (it sets the status).
            **{reason: _validation(message) for reason, message in EDGE_MESSAGES.items()},
        },
    )
)
