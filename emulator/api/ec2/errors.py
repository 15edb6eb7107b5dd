"""The one catalogue of EC2 error codes and messages (the EC2 model has no error shapes)."""

from __future__ import annotations

from emulator.api.errors import QUERY_EDGE_ENTRIES, Catalogue, Entry
from emulator.api.registry import catalogue

_BAD_VALUE = "InvalidParameterValue"
_NOT_AUTHORIZED_IMAGE = "Not authorized for image:{id}"


def _malformed(code: str, prefix: str) -> Entry:
    return Entry(code, 'Invalid id: "{id}" (expecting "' + prefix + '-...")')


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
            "launch_template_id_malformed": Entry(
                "InvalidLaunchTemplateId.Malformed",
                "The specified ID for the launch template ({id}) is not valid. Launch template"
                " IDs begin with 'lt-'.",
            ),
            "launch_template_not_found": Entry(
                "InvalidLaunchTemplateId.NotFound",
                "The specified launch template, with template ID {ids}, does not exist.",
            ),
            "launch_templates_not_found": Entry(
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
        },
    )
)
