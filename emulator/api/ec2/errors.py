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
