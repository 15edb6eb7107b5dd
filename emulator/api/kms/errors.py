"""Every KMS error the emulator can answer: reason token -> code and message.

Every code is in botocore's KMS model (a test checks it) except two that AWS KMS sends
although the model does not declare them:

- ``AccessDeniedException`` for key policy denials (quoted in many public logs, e.g.
  "User: ... is not authorized to perform: kms:DescribeKey on resource: ... because no
  resource-based policy allows the kms:DescribeKey action");
- ``ValidationException`` for values that break a constraint ("1 validation error detected:
  ..."), as recorded from AWS in LocalStack's KMS snapshots (tests/aws/services/kms/
  test_kms.snapshot.json: GenerateRandom's bounds, CreateAlias without ``alias/``) and
  quoted in public bug reports (stelligent/mu#382: "KMS.ValidationException: 1 validation
  error detected: Value '' at 'keyId' ...").

Values AWS accepts but the emulator does not serve (other key specs, custom key stores)
answer ``UnsupportedOperationException``.
"""

from __future__ import annotations

from emulator.api.errors import EDGE_MESSAGES, Catalogue, Entry
from emulator.api.registry import catalogue

# Codes AWS KMS sends that botocore's model does not declare.
UNMODELED_CODES = frozenset({"AccessDeniedException", "ValidationException"})

_DENIED = "User: {principal} is not authorized to perform: {action} on resource: {resource}"
# AWS's wording for a member that breaks one constraint of the model.
_CONSTRAINT = (
    "1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: "
)


def _validation(message: str) -> Entry:
    return Entry("ValidationException", message)


def _unsupported(message: str) -> Entry:
    return Entry("UnsupportedOperationException", message)


KMS_ERRORS = catalogue(
    Catalogue(
        "kms",
        {
            # Finding keys and aliases.
            "key_not_found": Entry("NotFoundException", "Key '{arn}' does not exist"),
            "alias_not_found": Entry("NotFoundException", "Alias {arn} is not found."),
            "invalid_key_id": Entry("NotFoundException", "Invalid keyId '{key_id}'"),
            # A key ARN of another Region (recorded: "Invalid arn <the ARN's Region>").
            "invalid_arn_region": Entry("NotFoundException", "Invalid arn {region}"),
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
            "alias_prefix": _validation(
                'Alias must start with the prefix "alias/". Please see '
                "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
            ),
            "alias_reserved": Entry(
                "InvalidAliasNameException",
                "Alias {name} cannot begin with alias/aws/: that prefix is reserved for AWS "
                "managed keys.",
            ),
            "alias_name_pattern": _validation(
                "1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
            ),
            "alias_name_colon": _validation("{name} contains invalid characters for an alias"),
            "alias_name_empty": Entry(
                "InvalidAliasNameException", "Alias {name} must name something after alias/."
            ),
            # Paging.
            "next_token_invalid": Entry("InvalidMarkerException", "Invalid marker: {token}"),
            # Values.
            "value_below_minimum": _validation(
                _CONSTRAINT + "Member must have value greater than or equal to {low}"
            ),
            "value_above_maximum": _validation(
                _CONSTRAINT + "Member must have value less than or equal to {high}"
            ),
            "too_long": _validation(
                _CONSTRAINT + "Member must have length less than or equal to {most}"
            ),
            "unsupported_value": _unsupported("{name} {value} is not supported."),
            # Cryptographic operations (the ciphertext's problems are not explained: AWS
            # answers InvalidCiphertextException with an empty message).
            "invalid_ciphertext": Entry("InvalidCiphertextException", ""),
            "incorrect_key": Entry(
                "IncorrectKeyException",
                "The key ID in the request does not identify a CMK that can perform this "
                "operation.",
            ),
            "key_disabled": Entry("DisabledException", "{arn} is disabled."),
            "algorithm_not_for_key": Entry(
                "InvalidKeyUsageException",
                "The encryption algorithm {algorithm} is not supported by a KMS key with "
                "KeySpec SYMMETRIC_DEFAULT.",
            ),
            "data_key_size": _validation("Please specify either number of bytes or key spec."),
            # A sensitive member is named without its value.
            "sensitive_too_short": _validation(
                "1 validation error detected: Value at '{name}' failed to satisfy constraint: "
                "Member must have length greater than or equal to {low}"
            ),
            "sensitive_too_long": _validation(
                "1 validation error detected: Value at '{name}' failed to satisfy constraint: "
                "Member must have length less than or equal to {high}"
            ),
            "not_in_enum": _validation(
                _CONSTRAINT + "Member must satisfy enum value set: [{choices}]"
            ),
            # Grants.
            "invalid_principal": Entry("InvalidArnException", "{name} {value} is not a valid ARN."),
            "grant_operations_empty": _validation(
                "1 validation error detected: Value '[]' at 'operations' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            ),
            "grant_operations_invalid": _validation(
                "Grant operations {operations} are not valid for a KMS key with KeySpec "
                "SYMMETRIC_DEFAULT."
            ),
            "grant_constraints_both": _validation(
                "A grant can have EncryptionContextEquals or EncryptionContextSubset, not both."
            ),
            "grant_limit": Entry(
                "LimitExceededException",
                "{arn} already has the most grants a key can have ({most}).",
            ),
            "invalid_grant_token": Entry("InvalidGrantTokenException", "Invalid grant token."),
            "invalid_grant_id": Entry("InvalidGrantIdException", "Invalid grant ID: {grant_id}"),
            "grant_not_found": Entry(
                "NotFoundException", "Grant ID {grant_id} not found for {arn}"
            ),
            "retire_grant_target": _validation(
                "Either GrantToken, or both KeyId and GrantId, must be specified."
            ),
            # Reading the request.
            "missing_parameter": _validation(
                "1 validation error detected: Value null at '{name}' failed to satisfy "
                "constraint: Member must not be null"
            ),
            "invalid_parameter_value": _unsupported(
                "1 validation error detected: Value '{value}' at '{name}' is not valid"
            ),
            "unknown_parameter": _unsupported("Unknown parameter: {name}"),
            "malformed_body": _unsupported("{detail}"),
            "invalid_action": _unsupported("The operation {action} is not supported."),
            # Refused by the HTTP layer (it sets the status).
            **{reason: _unsupported(message) for reason, message in EDGE_MESSAGES.items()},
        },
    )
)
