"""The one catalogue of EC2 error codes and messages (the EC2 model has no error shapes)."""

from __future__ import annotations

from emulator.api.errors import QUERY_EDGE_ENTRIES, Catalogue, Entry
from emulator.api.registry import catalogue

_BAD_VALUE = "InvalidParameterValue"
_NOT_AUTHORIZED_IMAGE = "Not authorized for image:{id}"


def _malformed(code: str, prefix: str) -> Entry:
    return Entry(code, 'Invalid id: "{id}" (expecting "' + prefix + '-...")')


# Allowed AMIs and image usage reports (AWS records no texts for most of these; the words
# follow EC2's forms, docs/semantics.md "Allowed AMIs").
_ALLOWED_IMAGES_AND_USAGE_REPORTS = {
    "allowed_images_state_invalid": Entry(
        _BAD_VALUE,
        "Value ({value}) for parameter allowedImagesSettingsState is invalid."
        " Expected: 'enabled', 'audit-mode'.",
    ),
    "allowed_images_managed_by_policy": Entry(
        "OperationNotPermitted",
        "The Allowed AMIs settings are managed by a declarative policy and can't be changed"
        " in the account.",
    ),
    "image_criteria_limit": Entry(
        _BAD_VALUE,
        "The number of image criteria ({count}) exceeds the maximum of {limit}.",
    ),
    "image_criterion_empty": Entry(
        _BAD_VALUE, "Each image criterion must specify at least one parameter."
    ),
    "image_criterion_values_limit": Entry(
        _BAD_VALUE,
        "The number of {name} values ({count}) in an image criterion exceeds the maximum of"
        " {limit}.",
    ),
    "image_provider_invalid": Entry(
        _BAD_VALUE,
        "Invalid image provider '{value}'. Valid values are amazon, aws-marketplace,"
        " aws-backup-vault, none, or a 12-digit AWS account ID.",
    ),
    "image_provider_none_combined": Entry(
        _BAD_VALUE,
        "When the image provider 'none' is specified, no other image providers can be specified.",
    ),
    "image_name_criterion_invalid": Entry(
        _BAD_VALUE,
        "Invalid image name '{value}'. Image names must be 1-128 characters (at least 3 with"
        " '?') of letters, numbers, spaces and ( ) [ ] . / - ' @ _ * ?",
    ),
    "product_code_criterion_invalid": Entry(
        _BAD_VALUE,
        "Invalid Marketplace product code '{value}'. Product codes must be 1-25 letters and"
        " numbers.",
    ),
    "watermark_filter_empty": Entry(
        _BAD_VALUE, "Each image watermark filter must specify at least one field."
    ),
    "scan_result_condition_empty": Entry(
        _BAD_VALUE, "The scan result condition must specify at least one field."
    ),
    "image-usage-report_id_malformed": Entry(
        "InvalidImageUsageReportId.Malformed", 'Invalid id: "{id}" (expecting "amiur-...")'
    ),
    "usage_report_not_found": Entry(
        "InvalidImageUsageReportId.NotFound", "The image usage report ID '{ids}' does not exist"
    ),
    "usage_report_accounts_limit": Entry(
        _BAD_VALUE,
        "The number of account IDs ({count}) exceeds the maximum of {limit}.",
    ),
    "usage_report_ids_limit": Entry(
        _BAD_VALUE, "The parameter {name} accepts at most {limit} values."
    ),
    "usage_report_resource_type_duplicate": Entry(
        _BAD_VALUE, "The resource type {value} is specified more than once."
    ),
    "usage_report_options_unsupported": Entry(
        "InvalidParameterCombination",
        "ResourceTypeOptions are valid only for the resource type ec2:LaunchTemplate, not"
        " {resource_type}.",
    ),
    "usage_report_account_limit": Entry(
        "ResourceLimitExceeded",
        "You have reached the maximum number of in-progress AMI usage reports ({limit}) for"
        " this account in this Region.",
    ),
    "usage_report_image_limit": Entry(
        "ResourceLimitExceeded",
        "An AMI usage report for {image_id} is already in progress. Wait for it to complete"
        " before you create another one.",
    ),
}


EC2_ERRORS = catalogue(
    Catalogue(
        "ec2",
        {
            # Raised by the wire parser.
            "missing_parameter": Entry(
                "MissingParameter", "The request must contain the parameter {name}"
            ),
            "invalid_parameter_value": Entry(
                _BAD_VALUE, "Value ({value}) for parameter {name} is invalid."
            ),
            "unknown_parameter": Entry(
                "UnknownParameter", "The parameter {name} is not recognized"
            ),
            "malformed_body": Entry("MalformedQueryString", "{detail}"),
            "invalid_action": Entry(
                "InvalidAction", "The action {action} is not valid for this web service."
            ),
            **QUERY_EDGE_ENTRIES,
            # Ids.
            "unknown_resource_id": Entry("InvalidID", "The ID '{id}' is not valid"),
            "image_id_malformed": _malformed("InvalidAMIID.Malformed", "ami"),
            "snapshot_id_malformed": _malformed("InvalidSnapshotID.Malformed", "snap"),
            "volume_id_malformed": _malformed("InvalidVolumeID.Malformed", "vol"),
            # Recorded instance answers carry no "(expecting ...)" tail (docs/semantics.md).
            "instance_id_malformed": Entry("InvalidInstanceID.Malformed", 'Invalid id: "{id}"'),
            "image_not_found": Entry(
                "InvalidAMIID.NotFound", "The image id '[{ids}]' does not exist"
            ),
            "images_not_found": Entry(
                "InvalidAMIID.NotFound", "The image ids '[{ids}]' do not exist"
            ),
            "image_unavailable": Entry(
                "InvalidAMIID.Unavailable", "The image ID '{id}' is no longer available"
            ),
            "snapshot_not_found": Entry(
                "InvalidSnapshot.NotFound", "The snapshot '{ids}' does not exist."
            ),
            "snapshots_not_found": Entry(
                "InvalidSnapshot.NotFound", "The snapshots '{ids}' do not exist."
            ),
            # CreateVolume's source snapshot: AWS leaves the id out (kvnn/OrdControl#13, #2).
            "volume_snapshot_not_found": Entry(
                "InvalidSnapshot.NotFound", "Snapshot does not exist"
            ),
            "volume_not_found": Entry(
                "InvalidVolume.NotFound", "The volume '{ids}' does not exist."
            ),
            "volumes_not_found": Entry(
                "InvalidVolume.NotFound", "The volumes '{ids}' do not exist."
            ),
            "instance_not_found": Entry(
                "InvalidInstanceID.NotFound", "The instance ID '{ids}' does not exist"
            ),
            "instances_not_found": Entry(
                "InvalidInstanceID.NotFound", "The instance IDs '{ids}' do not exist"
            ),
            "user_id_malformed": Entry("InvalidUserID.Malformed", 'Invalid user id: "{value}"'),
            # Who may do what.
            "image_not_owned": Entry("AuthFailure", _NOT_AUTHORIZED_IMAGE),
            "images_not_authorized": Entry("AuthFailure", "Not authorized for images: [{ids}]"),
            # Allowed AMIs set by a declarative policy refuse: its exception_message follows.
            "images_not_authorized_by_policy": Entry(
                "AuthFailure", "Not authorized for images: [{ids}]. {message}"
            ),
            # An IAM user's or role's own policies refuse (docs/iam.md); the form of AWS's
            # answers as quoted in aws/karpenter-provider-aws#7370, hashicorp/packer#12050.
            "unauthorized_operation": Entry(
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. User: {principal} is not "
                "authorized to perform: {action} on resource: {resource} {because}. Encoded "
                "authorization failure message: {encoded}",
                403,
            ),
            "restricted_resource": Entry(
                "AuthFailure", "Unauthorized attempt to access restricted resource"
            ),
            # Launch permissions and public sharing.
            "invalid_attribute_item": Entry(
                "InvalidAMIAttributeItemValue",
                'Invalid attribute item value "{value}" for {item_type} item type.',
            ),
            "launch_permission_limit": Entry(
                "ResourceLimitExceeded",
                "You have reached the maximum number of entities ({limit}) that an image can be"
                " shared with in this Region.",
            ),
            "no_attributes": Entry("InvalidParameterCombination", "No attributes specified."),
            "one_attribute_only": Entry(
                "InvalidParameterCombination", "You can modify only one attribute at a time."
            ),
            "encrypted_image_public": Entry(
                "UnsupportedOperation",
                "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.",
            ),
            "public_sharing_blocked": Entry(
                "OperationNotPermitted",
                "You can\u2019t publicly share this image because block public access for AMIs"
                " is enabled for this account. To publicly share the image, you must call the"
                " DisableImageBlockPublicAccess API.",
            ),
            # Block public access set by a declarative policy: its exception_message follows.
            "public_sharing_blocked_by_policy": Entry(
                "OperationNotPermitted",
                "You can\u2019t publicly share this image because block public access for AMIs"
                " is enabled for this account by a declarative policy. {message}",
            ),
            "bpa_managed_by_policy": Entry(
                "OperationNotPermitted",
                "The image block public access state is managed by a declarative policy and"
                " can't be changed in the account.",
            ),
            "bpa_state_invalid": Entry(
                _BAD_VALUE,
                "Value ({value}) for parameter imageBlockPublicAccessState is invalid."
                " Expected: 'block-new-sharing'.",
            ),
            "attribute_unknown": Entry(
                _BAD_VALUE,
                "Value ({attribute}) for parameter attribute is invalid. Unknown attribute.",
            ),
            "operation_type_invalid": Entry(
                _BAD_VALUE,
                "Value ({value}) for parameter operationType is invalid. Expected: add, remove.",
            ),
            # Encryption and KMS keys (choices: AWS checks keys asynchronously).
            "kms_key_not_found": Entry(
                "InvalidKMSKey.NotFound", "The KMS key '{key}' does not exist in {region}."
            ),
            # EC2's own words for a key the caller may not use (ImportImage); CreateVolume,
            # CopyImage and the rest check the key later in AWS, and fail alike.
            "kms_key_not_accessible": Entry(
                _BAD_VALUE,
                "The specified KMS key is not accessible. If this is a default EBS CMK, please"
                " retry your request without specifying the key explicitly",
            ),
            "storage_key_not_accessible": Entry(
                _BAD_VALUE, "The KMS key {key} that encrypts {resource} is not accessible."
            ),
            "aws_managed_key_shared": Entry(
                "InvalidParameter",
                "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another"
                " snapshot.",
            ),
            "unencrypted_copy_of_encrypted": Entry(
                "InvalidRequest",
                "Snapshot {snapshot} is encrypted. Creating unencrypted copy from an encrypted"
                " snapshot is not supported",
            ),
            "storage_not_readable": Entry(
                "InvalidRequest", "You do not have permission to access the storage of this ami"
            ),
            "storage_key_not_usable": Entry(
                "InvalidRequest",
                "You do not have permission to use the KMS key {key} that encrypts the storage"
                " of this ami",
            ),
            # Snapshot permissions.
            "snapshot_not_owned": Entry("AuthFailure", "Not authorized for snapshot:{id}"),
            "snapshot_default_key_shared": Entry(
                "OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared"
            ),
            "encrypted_snapshot_public": Entry(
                "UnsupportedOperation",
                "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.",
            ),
            "snapshot_add_and_remove": Entry(
                "InvalidParameterCombination",
                "You can add or remove create volume permissions, not both, in one request.",
            ),
            # Images.
            "image_name_malformed": Entry(
                "InvalidAMIName.Malformed",
                "AMI names must be between 3 and 128 characters long, and may contain letters,"
                " numbers, '(', ')', '.', '-', '/' and '_'",
            ),
            "image_name_duplicate": Entry(
                "InvalidAMIName.Duplicate", "AMI name {name} is already in use by AMI {image_id}"
            ),
            "image_id_taken": Entry(_BAD_VALUE, "The image id '{id}' is already in use"),
            "root_device_not_mapped": Entry(
                "InvalidBlockDeviceMapping",
                "The root device name '{root}' has no block device mapping.",
            ),
            "device_name_missing": Entry(
                "InvalidBlockDeviceMapping", "The device name must be specified."
            ),
            "device_name_duplicate": Entry(
                "InvalidBlockDeviceMapping", "The device '{device}' is used more than once."
            ),
            "parameter_value_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter {name} is invalid."
            ),
            # Volumes, snapshots, instances.
            "volume_type_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter volumeType is invalid."
            ),
            "volume_size_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter size is invalid."
            ),
            "volume_size_or_snapshot_missing": Entry(
                "MissingParameter", "The request must contain the parameter size/snapshot"
            ),
            "volume_too_large": Entry(
                _BAD_VALUE, "Volume of {size}GiB is too large; maximum is {limit}GiB."
            ),
            "volume_iops_unsupported": Entry(
                "InvalidParameterCombination",
                "The parameter iops is not supported for {volume_type} volumes.",
            ),
            "volume_iops_required": Entry(
                "InvalidParameterCombination",
                "The parameter iops must be specified for {volume_type} volumes.",
            ),
            "volume_iops_too_low": Entry(
                _BAD_VALUE, "Volume iops of {iops} is too low; minimum is {limit}."
            ),
            "volume_iops_too_high": Entry(
                _BAD_VALUE, "Volume iops of {iops} is too high; maximum is {limit}."
            ),
            "volume_throughput_unsupported": Entry(
                "InvalidParameterCombination",
                "throughput can only be specified for volumeType gp3.",
            ),
            "volume_multi_attach_unsupported": Entry(
                "InvalidParameterCombination",
                "Multi-Attach is not supported for {volume_type} volumes.",
            ),
            "volume_smaller_than_snapshot": Entry(
                _BAD_VALUE,
                "Volume of {size}GiB is too small; minimum is {snapshot_size}GiB.",
            ),
            "volume_unencrypted_from_encrypted": Entry(
                "InvalidParameterCombination",
                "Volumes created from encrypted snapshots are always encrypted.",
            ),
            "kms_key_without_encryption": Entry(
                "InvalidParameterDependency",
                "The parameter KmsKeyId requires the parameter Encrypted to be set.",
            ),
            "volume_in_use": Entry(
                "VolumeInUse", "Volume {id} is currently attached to {instance_id}"
            ),
            "snapshot_in_use": Entry(
                "InvalidSnapshot.InUse", "The snapshot {id} is currently in use by {image_id}"
            ),
            "instance_state_incorrect": Entry(
                "IncorrectInstanceState",
                "The instance '{id}' is not in a state from which it can be imaged ({state}).",
            ),
            "instance_count_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter count is invalid."
            ),
            "instance_count_range": Entry(
                "InvalidParameterValue",
                "Value ({min}) for parameter minCount is invalid. It must not exceed maxCount"
                " ({max}).",
            ),
            # Instance states, attributes, attachments (docs/semantics.md, "Instance states
            # and timing").
            "instance_never_running": Entry(
                "IncorrectInstanceState",
                "Instance '{id}' cannot be stopped as it has never reached the 'running' state.",
            ),
            "instance_not_stoppable": Entry(
                "IncorrectInstanceState",
                "The instance '{id}' is not in a state from which it can be stopped.",
            ),
            "instance_not_startable": Entry(
                "IncorrectInstanceState",
                "The instance '{id}' is not in a state from which it can be started.",
            ),
            "instance_not_rebootable": Entry(
                "IncorrectInstanceState",
                "The instance '{id}' is not in a state from which it can be rebooted.",
            ),
            "instance_not_stopped": Entry(
                "IncorrectInstanceState", "The instance '{id}' is not in the 'stopped' state."
            ),
            "instance_stop_protected": Entry(
                "OperationNotPermitted",
                "The instance '{id}' may not be stopped. Modify its 'disableApiStop' instance"
                " attribute and try again.",
            ),
            "instance_termination_protected": Entry(
                "OperationNotPermitted",
                "The instance '{id}' may not be terminated. Modify its 'disableApiTermination'"
                " instance attribute and try again.",
            ),
            "hibernation_not_configured": Entry(
                "UnsupportedHibernationConfiguration",
                "The instance can't be hibernated because it was not configured at launch for"
                " hibernation: {id}",
            ),
            "security_group_not_found": Entry(
                "InvalidGroup.NotFound", "The security group '{id}' does not exist"
            ),
            "device_not_mapped": Entry(
                "InvalidInstanceAttributeValue",
                "No device is currently mapped at {device} on instance {id}",
            ),
            "client_token_too_long": Entry(
                _BAD_VALUE, "Value for parameter clientToken exceeds {length} characters."
            ),
            "volume_attached": Entry("VolumeInUse", "{id} is already attached to an instance"),
            "instance_not_running": Entry("IncorrectState", "Instance '{id}' is not 'running'."),
            "volume_zone_mismatch": Entry(
                "InvalidVolume.ZoneMismatch",
                "The volume '{id}' is not in the same availability zone as instance"
                " '{instance_id}'",
            ),
            "attachment_point_in_use": Entry(
                _BAD_VALUE, "Attachment point {device} is already in use"
            ),
            "volume_not_attached": Entry(
                "IncorrectState", "Volume '{id}' is in the '{state}' state."
            ),
            "attachment_not_found": Entry(
                "InvalidAttachment.NotFound",
                "The volume '{id}' is not attached to instance '{instance_id}'.",
            ),
            "root_volume_detach": Entry(
                "IncorrectState",
                "Unable to detach root volume '{id}' from instance '{instance_id}'",
            ),
            "no_volumes_to_snapshot": Entry(
                _BAD_VALUE, "The instance '{id}' has no data volumes to snapshot."
            ),
            # Launch templates.
            "launch-template_id_malformed": Entry(
                "InvalidLaunchTemplateId.Malformed",
                "The specified ID for the launch template ({id}) is not valid. Launch template"
                " IDs begin with 'lt-'.",
            ),
            "launch-template_not_found": Entry(
                "InvalidLaunchTemplateId.NotFound",
                "The specified launch template, with template ID {ids}, does not exist.",
            ),
            "launch-templates_not_found": Entry(
                "InvalidLaunchTemplateId.NotFound",
                "The specified launch templates, with template IDs {ids}, do not exist.",
            ),
            "launch_template_name_malformed": Entry(
                "InvalidLaunchTemplateName.MalformedException",
                "A launch template name must be between 3 and 128 characters, and may contain"
                " letters, numbers, and the following characters: - ( ) . / _.",
            ),
            "launch_template_name_taken": Entry(
                "InvalidLaunchTemplateName.AlreadyExistsException",
                "Launch template name already in use.",
            ),
            "launch_template_id_not_found": Entry(
                "InvalidLaunchTemplateId.NotFound",
                "The specified launch template, with template ID {id}, does not exist.",
            ),
            "launch_template_name_not_found": Entry(
                "InvalidLaunchTemplateName.NotFoundException",
                "The specified launch template, with template name {name}, does not exist.",
            ),
            "launch_template_version_not_found": Entry(
                "InvalidLaunchTemplateId.VersionNotFound",
                "Could not find the specified version {version} for the launch template with"
                " ID {id}.",
            ),
            "launch_template_version_invalid": Entry(
                "InvalidLaunchTemplateId.VersionNotFound",
                "Could not find the specified version {version} for the launch template.",
            ),
            "launch_template_missing": Entry(
                "MissingParameter",
                "The request must contain the parameter launchTemplateName or launchTemplateId",
            ),
            "launch_template_id_and_name": Entry(
                "InvalidParameterCombination",
                "The parameters launchTemplateName and launchTemplateId cannot be used"
                " together. Specify one or the other.",
            ),
            "launch_template_version_limit": Entry(
                "VersionLimitExceeded",
                "The maximum number of versions ({limit}) for this launch template has been"
                " reached.",
            ),
            "launch_template_versions_too_many": Entry(
                _BAD_VALUE,
                "You can specify up to {limit} launch template versions in one request.",
            ),
            # Tags.
            "tag_key_empty": Entry(_BAD_VALUE, "Tag key must not be empty"),
            "tag_key_reserved": Entry(
                _BAD_VALUE, "Tag keys starting with 'aws:' are reserved for internal use"
            ),
            "tag_key_too_long": Entry(
                _BAD_VALUE, "Tag key exceeds the maximum length of 128 characters"
            ),
            "tag_value_too_long": Entry(
                _BAD_VALUE, "Tag value exceeds the maximum length of 256 characters"
            ),
            "tag_limit_exceeded": Entry(
                "TagLimitExceeded", "The maximum number of tags (50) for {id} has been reached."
            ),
            "tag_resource_type_invalid": Entry(
                _BAD_VALUE,
                "'{resource_type}' is not a valid taggable resource type for this operation.",
            ),
            # Regions, zones, account attributes, instance types (docs/network.md).
            "region_unknown": Entry(_BAD_VALUE, "Invalid region: {name}"),
            "zone_unknown": Entry(_BAD_VALUE, "The zone '{name}' does not exist."),
            "zone_id_unknown": Entry(_BAD_VALUE, "The zone ID '{zone_id}' does not exist."),
            "zone_invalid": Entry(_BAD_VALUE, "Invalid availability zone: [{zone}]"),
            "attribute_name_invalid": Entry(
                _BAD_VALUE, "Value ({name}) for parameter attributeName is invalid."
            ),
            "instance_type_unknown": Entry(
                _BAD_VALUE, "The following supplied instance types do not exist: [{names}]"
            ),
            "location_type_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter locationType is invalid."
            ),
            # The network: ids.
            "vpc_id_malformed": _malformed("InvalidVpcID.Malformed", "vpc"),
            "subnet_id_malformed": _malformed("InvalidSubnetID.Malformed", "subnet"),
            "security-group_id_malformed": _malformed("InvalidGroupId.Malformed", "sg"),
            "security-group-rule_id_malformed": _malformed(
                "InvalidSecurityGroupRuleId.Malformed", "sgr"
            ),
            "internet-gateway_id_malformed": _malformed(
                "InvalidInternetGatewayId.Malformed", "igw"
            ),
            "route-table_id_malformed": _malformed("InvalidRouteTableId.Malformed", "rtb"),
            "key-pair_id_malformed": _malformed("InvalidKeyPair.Malformed", "key"),
            "vpc_not_found": Entry("InvalidVpcID.NotFound", "The vpc ID '{ids}' does not exist"),
            "vpcs_not_found": Entry("InvalidVpcID.NotFound", "The vpc IDs '{ids}' do not exist"),
            "subnet_not_found": Entry(
                "InvalidSubnetID.NotFound", "The subnet ID '{ids}' does not exist"
            ),
            "subnets_not_found": Entry(
                "InvalidSubnetID.NotFound", "The subnet IDs '{ids}' do not exist"
            ),
            "security-group_not_found": Entry(
                "InvalidGroup.NotFound", "The security group '{ids}' does not exist"
            ),
            "security-groups_not_found": Entry(
                "InvalidGroup.NotFound", "The security groups '{ids}' do not exist"
            ),
            "group_name_not_found": Entry(
                "InvalidGroup.NotFound",
                "The security group '{name}' does not exist in VPC '{vpc_id}'",
            ),
            "group_name_not_in_default_vpc": Entry(
                "InvalidGroup.NotFound",
                "The security group '{name}' does not exist in default VPC '{vpc_id}'",
            ),
            "security-group-rule_not_found": Entry(
                "InvalidSecurityGroupRuleId.NotFound",
                "The security group rule ID '{ids}' does not exist",
            ),
            "security-group-rules_not_found": Entry(
                "InvalidSecurityGroupRuleId.NotFound",
                "The security group rule IDs '{ids}' do not exist",
            ),
            "internet-gateway_not_found": Entry(
                "InvalidInternetGatewayID.NotFound", "The internetGateway ID '{ids}' does not exist"
            ),
            "internet-gateways_not_found": Entry(
                "InvalidInternetGatewayID.NotFound",
                "The internetGateway IDs '{ids}' do not exist",
            ),
            "route-table_not_found": Entry(
                "InvalidRouteTableID.NotFound", "The routeTable ID '{ids}' does not exist"
            ),
            "route-tables_not_found": Entry(
                "InvalidRouteTableID.NotFound", "The routeTable IDs '{ids}' do not exist"
            ),
            # The network: CIDR blocks and addresses.
            "cidr_malformed": Entry(
                _BAD_VALUE,
                "Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR"
                " block.",
            ),
            "vpc_range_invalid": Entry("InvalidVpc.Range", "The CIDR '{cidr}' is invalid."),
            "subnet_range_invalid": Entry("InvalidSubnet.Range", "The CIDR '{cidr}' is invalid."),
            "subnet_conflict": Entry(
                "InvalidSubnet.Conflict", "The CIDR '{cidr}' conflicts with another subnet"
            ),
            "zone_name_and_id": Entry(
                "InvalidParameterCombination",
                "The parameter AvailabilityZone cannot be used with the parameter"
                " AvailabilityZoneId",
            ),
            "subnet_zone_invalid": Entry(
                _BAD_VALUE,
                "Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently"
                " only be created in the following availability zones: {zones}.",
            ),
            "subnet_zone_id_invalid": Entry(
                _BAD_VALUE,
                "Value ({zone}) for parameter availabilityZoneId is invalid. Subnets can"
                " currently only be created in the following availability zones: {zones}.",
            ),
            "ip_address_malformed": Entry(
                _BAD_VALUE, "Value ({address}) for parameter privateIpAddress is invalid."
            ),
            # The network: dependencies and attachments.
            "vpc_has_dependencies": Entry(
                "DependencyViolation", "The vpc '{id}' has dependencies and cannot be deleted."
            ),
            "subnet_has_dependencies": Entry(
                "DependencyViolation", "The subnet '{id}' has dependencies and cannot be deleted."
            ),
            "igw_has_dependencies": Entry(
                "DependencyViolation",
                "The internetGateway '{id}' has dependencies and cannot be deleted.",
            ),
            "route_table_has_dependencies": Entry(
                "DependencyViolation",
                "The routeTable '{id}' has dependencies and cannot be deleted.",
            ),
            "group_in_use": Entry("DependencyViolation", "resource {id} has a dependent object"),
            "igw_already_attached": Entry(
                "Resource.AlreadyAssociated",
                "resource {id} is already attached to network {vpc_id}",
            ),
            "vpc_has_igw": Entry(
                "Resource.AlreadyAssociated",
                "network {vpc_id} already has an internet gateway attached",
            ),
            "igw_not_attached": Entry(
                "Gateway.NotAttached", "resource {id} is not attached to network {vpc_id}"
            ),
            "route_gateway_other_network": Entry(
                "InvalidParameterValue",
                "route table {table} and network gateway {id} belong to different networks",
            ),
            "route_exists": Entry(
                "RouteAlreadyExists", "The route identified by {destination} already exists."
            ),
            "route_target_unsupported": Entry(
                "InvalidParameterValue",
                "This emulator models routes to internet gateways only (GatewayId)",
            ),
            "route_table_other_network": Entry(
                _BAD_VALUE, "route table {table} and subnet {subnet} belong to different networks"
            ),
            "route_table_association_exists": Entry(
                "Resource.AlreadyAssociated",
                "the specified association for route table {table} conflicts with an existing"
                " association",
            ),
            # Security groups.
            "no_default_vpc": Entry("VPCIdNotSpecified", "No default VPC for this user"),
            "group_name_reserved": Entry(
                "InvalidGroup.Reserved", "The security group '{name}' is reserved"
            ),
            "group_name_sg_prefix": Entry(
                _BAD_VALUE,
                "Value ({name}) for parameter GroupName is invalid. Group names may not be in the"
                " format sg-*.",
            ),
            "group_name_too_long": Entry(
                _BAD_VALUE,
                "Value ({name}) for parameter GroupName is invalid. Length exceeds maximum of 255.",
            ),
            "group_description_too_long": Entry(
                _BAD_VALUE,
                "Value for parameter GroupDescription is invalid. Length exceeds maximum of 255.",
            ),
            "group_duplicate": Entry(
                "InvalidGroup.Duplicate",
                "The security group '{name}' already exists for VPC '{vpc_id}'",
            ),
            "group_default_undeletable": Entry(
                "CannotDelete",
                'the specified group: "{id}" name: "default" cannot be deleted by a user',
            ),
            "permission_duplicate": Entry(
                "InvalidPermission.Duplicate", 'the specified rule "{rule}" already exists'
            ),
            "permission_not_found": Entry(
                "InvalidPermission.NotFound",
                "The specified rule does not exist in this security group.",
            ),
            "protocol_invalid": Entry(
                _BAD_VALUE, "Invalid value '{protocol}' for IP protocol. Unknown protocol."
            ),
            "port_range_missing": Entry(
                _BAD_VALUE,
                "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
            ),
            "port_range_invalid": Entry(_BAD_VALUE, "Invalid TCP/UDP port range: {low} to {high}"),
            "permission_peer_missing": Entry(
                "InvalidPermission.Malformed",
                "Each rule names one peer: an IP range, an IPv6 range, a security group or a"
                " prefix list.",
            ),
            "permission_cidr_malformed": Entry(
                "InvalidPermission.Malformed", "CIDR block {cidr} is malformed"
            ),
            # RunInstances placement.
            "group_name_with_subnet": Entry(
                "InvalidParameterCombination",
                "The parameter groupName cannot be used with the parameter subnet",
            ),
            "subnet_zone_mismatch": Entry(
                "InvalidParameterCombination",
                "The subnet {subnet} is not in the availability zone {zone}",
            ),
            "no_default_subnet": Entry(
                "MissingInput", "No subnets found for the default VPC. Please specify a subnet."
            ),
            "group_other_network": Entry(
                "InvalidParameter",
                "Security group {id} and subnet {subnet} belong to different networks.",
            ),
            "private_ip_with_count": Entry(
                "InvalidParameterCombination",
                "A private IP address can be given only when launching one instance.",
            ),
            "private_ip_outside_subnet": Entry(
                _BAD_VALUE, "Address {address} does not fall within the subnet's address range"
            ),
            "private_ip_in_use": Entry("InvalidIPAddress.InUse", "Address {address} is in use."),
            "subnet_full": Entry(
                "InsufficientFreeAddressesInSubnet",
                "There are not enough free addresses in subnet '{id}' to satisfy the requested"
                " number of instances.",
            ),
            # Key pairs.
            "key_name_invalid": Entry(
                _BAD_VALUE, "Value ({name}) for parameter keyName is invalid."
            ),
            "key_pair_duplicate": Entry(
                "InvalidKeyPair.Duplicate", "The keypair '{name}' already exists."
            ),
            "key_pair_not_found": Entry(
                "InvalidKeyPair.NotFound", "The key pair '{name}' does not exist"
            ),
            "key-pair_not_found": Entry(
                "InvalidKeyPair.NotFound", "The key pair '{ids}' does not exist"
            ),
            "key-pairs_not_found": Entry(
                "InvalidKeyPair.NotFound", "The key pairs '{ids}' do not exist"
            ),
            "key_type_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter keyType is invalid."
            ),
            "key_format_unsupported": Entry(
                "UnsupportedOperation",
                "This emulator makes private keys in PEM only; KeyFormat {value} is not supported.",
            ),
            "key_format_invalid": Entry(
                "InvalidKeyPair.Format", "Key is not in valid OpenSSH public key format"
            ),
            # Listing.
            "unknown_filter": Entry(_BAD_VALUE, "The filter '{name}' is invalid"),
            "filter_limit_exceeded": Entry(
                "FilterLimitExceeded",
                "The maximum number of filter values specified on a single call is {limit}",
            ),
            "next_token_invalid": Entry(_BAD_VALUE, "The token '{token}' is invalid"),
            "max_results_invalid": Entry(
                _BAD_VALUE,
                "Value ( {value} ) for parameter maxResults is invalid. Expecting a value"
                " between {low} and {high}.",
            ),
            "max_results_with_ids": Entry(
                "InvalidParameterCombination",
                "The parameter {ids} cannot be used with the parameter maxResults",
            ),
            **_ALLOWED_IMAGES_AND_USAGE_REPORTS,
            # The AMI lifecycle (docs/lifecycle.md; the codes AWS does not document are the
            # choices of docs/semantics.md, "The AMI lifecycle").
            "image_disabled": Entry(
                "InvalidAMIID.Unavailable",
                "The image id '[{id}]' is disabled. Enable it with EnableImage to launch it.",
            ),
            "image_disabled_not_shareable": Entry(
                "OperationNotPermitted", "The image '{id}' is disabled and cannot be shared."
            ),
            "image_deregistration_protected": Entry(
                "OperationNotPermitted",
                "The image '{id}' cannot be deregistered because it has deregistration"
                " protection enabled.",
            ),
            "deprecation_time_past": Entry(
                _BAD_VALUE,
                "Value ({value}) for parameter DeprecateAt is invalid. The deprecation time"
                " can't be in the past.",
            ),
            "deprecation_time_too_late": Entry(
                _BAD_VALUE,
                "Value ({value}) for parameter DeprecateAt is invalid. The deprecation time"
                " can't be later than {limit} ({why}).",
            ),
            "cancel_own_image": Entry(
                "OperationNotPermitted",
                "You own the image '{id}': remove its launch permissions with"
                " ModifyImageAttribute instead.",
            ),
            "cancel_not_shared_directly": Entry(
                "OperationNotPermitted",
                "The image '{id}' is not shared with your account directly (it reaches it"
                " through: {via}); only its owner can remove that launch permission.",
            ),
            "image_reference_types_missing": Entry(
                "MissingParameter",
                "Either IncludeAllResourceTypes or ResourceTypes must be specified.",
            ),
            "image_reference_option_invalid": Entry(
                _BAD_VALUE, "Value ({value}) for parameter {name} is invalid."
            ),
        },
    )
)
