"""Every Organizations error the emulator can answer: reason token -> code, message, Reason.

Every code here exists in botocore's Organizations model (a test checks it). Messages are
the ones AWS is known to send where they were captured, else the model's documentation of
the exception (or of its Reason value).
"""

from __future__ import annotations

from emulator.api.errors import EDGE_MESSAGES, Catalogue, Entry
from emulator.api.registry import catalogue

_INVALID_VALUE = "You specified an invalid value."


def _invalid(reason: str, message: str) -> Entry:
    return Entry("InvalidInputException", message, extra={"Reason": reason})


def _constraint(reason: str, message: str) -> Entry:
    return Entry("ConstraintViolationException", message, extra={"Reason": reason})


ORGANIZATIONS_ERRORS = catalogue(
    Catalogue(
        "organizations",
        {
            # Who may call what.
            "not_in_organization": Entry(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            ),
            "access_denied": Entry(
                "AccessDeniedException", "You don't have permissions to access this resource."
            ),
            # Unknown things.
            "ou_not_found": Entry(
                "OrganizationalUnitNotFoundException",
                "You specified an organizational unit that doesn't exist.",
            ),
            "parent_not_found": Entry(
                "ParentNotFoundException", "You specified parent that doesn't exist."
            ),
            "account_not_found": Entry(
                "AccountNotFoundException", "You specified an account that doesn't exist."
            ),
            "child_not_found": Entry(
                "ChildNotFoundException",
                "We can't find an organizational unit (OU) or Amazon Web Services account "
                "with the ChildId that you specified.",
            ),
            "create_account_status_not_found": Entry(
                "CreateAccountStatusNotFoundException",
                "We can't find an create account request with the CreateAccountRequestId "
                "that you specified.",
            ),
            "source_parent_not_found": Entry(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ),
            "destination_parent_not_found": Entry(
                "DestinationParentNotFoundException",
                "We can't find the destination container (a root or OU) with the ParentId "
                "that you specified.",
            ),
            # Clashes with the current state.
            "already_in_organization": Entry(
                "AlreadyInOrganizationException",
                "This account is already a member of an organization. An account can belong "
                "to only one organization at a time.",
            ),
            "organization_not_empty": Entry(
                "OrganizationNotEmptyException",
                "The organization isn't empty. To delete an organization, you must first "
                "remove all accounts except the management account.",
            ),
            "duplicate_ou": Entry(
                "DuplicateOrganizationalUnitException", "An OU with the same name already exists."
            ),
            "ou_not_empty": Entry(
                "OrganizationalUnitNotEmptyException",
                "The specified OU is not empty. Move all accounts to another root or to other "
                "OUs, remove all child OUs, and try the operation again.",
            ),
            "duplicate_account": Entry(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ),
            "management_cannot_leave": Entry(
                "MasterCannotLeaveOrganizationException",
                "You can't remove a management account from an organization. If you want the "
                "management account to become a member account in another organization, you "
                "must first delete the current organization of the management account.",
            ),
            # Limits.
            "management_cannot_be_removed": _constraint(
                "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
                "You attempted to remove the management account from the organization. You "
                "can't remove the management account. Instead, after you remove all member "
                "accounts, delete the organization itself.",
            ),
            "ou_depth_limit_exceeded": _constraint(
                "OU_DEPTH_LIMIT_EXCEEDED",
                "You attempted to create an OU tree that is too many levels deep.",
            ),
            "ou_number_limit_exceeded": _constraint(
                "OU_NUMBER_LIMIT_EXCEEDED",
                "You attempted to exceed the number of OUs that you can have in an organization.",
            ),
            # Policies (policy types, policies, attachments, effective policies).
            "policy_not_found": Entry(
                "PolicyNotFoundException",
                "We can't find a policy with the PolicyId that you specified.",
            ),
            "duplicate_policy": Entry(
                "DuplicatePolicyException", "A policy with the same name already exists."
            ),
            "duplicate_policy_attachment": Entry(
                "DuplicatePolicyAttachmentException",
                "The selected policy is already attached to the specified target.",
            ),
            "policy_in_use": Entry(
                "PolicyInUseException",
                "The policy is attached to one or more entities. You must detach it from all "
                "roots, OUs, and accounts before performing this operation.",
            ),
            "policy_not_attached": Entry(
                "PolicyNotAttachedException",
                "The policy isn't attached to the specified target in the specified root.",
            ),
            "policy_type_not_enabled": Entry(
                "PolicyTypeNotEnabledException",
                "The specified policy type isn't currently enabled in this root. You can't "
                "attach policies of the specified type to entities in a root until you enable "
                "that type in the root.",
            ),
            "policy_type_already_enabled": Entry(
                "PolicyTypeAlreadyEnabledException",
                "The specified policy type is already enabled in the specified root.",
            ),
            "policy_type_not_available": Entry(
                "PolicyTypeNotAvailableForOrganizationException",
                "You can't use the specified policy type with the feature set currently "
                "enabled for this organization. For example, you can enable SCPs only after "
                "you enable all features in the organization.",
            ),
            "malformed_policy": Entry(
                "MalformedPolicyDocumentException",
                "The provided policy document doesn't meet the requirements of the specified "
                "policy type.",
            ),
            "target_not_found": Entry(
                "TargetNotFoundException",
                "We can't find a root, OU, account, or policy with the TargetId that you "
                "specified.",
            ),
            "root_not_found": Entry(
                "RootNotFoundException", "We can't find a root with the RootId that you specified."
            ),
            "effective_policy_not_found": Entry(
                "EffectivePolicyNotFoundException",
                "If you ran this action on the management account, this policy type is not "
                "enabled. If you ran the action on a member account, the account doesn't have "
                "an effective policy of this type. Contact the administrator of your "
                "organization about attaching a policy of this type to the account.",
            ),
            "policy_attachment_limit_exceeded": _constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies of a certain type that can be "
                "attached to an entity at one time.",
            ),
            "policy_attachment_minimum": _constraint(
                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to detach a policy from an entity that would cause the entity "
                "to have fewer than the minimum number of policies of a certain type required.",
            ),
            "policy_content_limit_exceeded": _constraint(
                "POLICY_CONTENT_LIMIT_EXCEEDED",
                "You attempted to create a policy that is larger than the maximum size.",
            ),
            "immutable_policy": _invalid(
                "IMMUTABLE_POLICY",
                "You specified a policy that is managed by Amazon Web Services and can't be "
                "modified.",
            ),
            "invalid_policy_type": _invalid(
                "INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string."
            ),
            "invalid_policy_id": _invalid(
                "INVALID_SYNTAX_POLICY_ID", "You specified an invalid policy ID."
            ),
            "invalid_target_id": _invalid(
                "INVALID_PATTERN_TARGET_ID",
                "You specified a policy target ID that doesn't match the required pattern.",
            ),
            "effective_target_not_account": _invalid(
                "TARGET_NOT_SUPPORTED",
                "You can't perform the specified operation on that target entity.",
            ),
            # Bad input found by the core.
            "invalid_pattern": _invalid(
                "INVALID_PATTERN", "You provided a value that doesn't match the required pattern."
            ),
            "invalid_enum": _invalid("INVALID_ENUM", _INVALID_VALUE),
            "min_length_exceeded": _invalid(
                "MIN_LENGTH_EXCEEDED",
                "You provided a string parameter that is shorter than allowed.",
            ),
            "max_length_exceeded": _invalid(
                "MAX_LENGTH_EXCEEDED",
                "You provided a string parameter that is longer than allowed.",
            ),
            "min_value_exceeded": _invalid(
                "MIN_VALUE_EXCEEDED",
                "You provided a numeric parameter that has a smaller value than allowed.",
            ),
            "max_value_exceeded": _invalid(
                "MAX_VALUE_EXCEEDED",
                "You provided a numeric parameter that has a larger value than allowed.",
            ),
            "invalid_next_token": _invalid(
                "INVALID_NEXT_TOKEN",
                "Get the value for the NextToken parameter from the response to a previous "
                "call of the operation.",
            ),
            # Only reachable when building worlds directly (scenario files, demo world).
            "organization_not_found": _invalid(
                "TARGET_NOT_SUPPORTED", "There is no organization with the id {id}."
            ),
            "id_in_use": _invalid("TARGET_NOT_SUPPORTED", "The id {id} is already in use."),
            "email_in_use": _invalid(
                "TARGET_NOT_SUPPORTED", "The email address {email} is already in use."
            ),
            # Requests that cannot be read (protocol layer).
            "missing_parameter": _invalid(
                "INPUT_REQUIRED", "You must include a value for all required parameters."
            ),
            "invalid_parameter_value": _invalid("INVALID_ENUM", _INVALID_VALUE),
            "unknown_parameter": _invalid("INVALID_ENUM", _INVALID_VALUE),
            "malformed_body": _invalid(
                "INVALID_ENUM",
                "The requested operation failed because you provided invalid values for one "
                "or more of the request parameters.",
            ),
            "invalid_action": _invalid(
                "TARGET_NOT_SUPPORTED", "The operation {action} is not supported."
            ),
            # Refused by the HTTP layer (it sets the status).
            "method_not_allowed": _invalid(
                "TARGET_NOT_SUPPORTED", EDGE_MESSAGES["method_not_allowed"]
            ),
            "unknown_path": _invalid("TARGET_NOT_SUPPORTED", EDGE_MESSAGES["unknown_path"]),
            "malformed_request": _invalid("INVALID_ENUM", EDGE_MESSAGES["malformed_request"]),
            "body_too_large": _invalid("MAX_LENGTH_EXCEEDED", EDGE_MESSAGES["body_too_large"]),
        },
    )
)
