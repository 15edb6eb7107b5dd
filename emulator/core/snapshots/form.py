"""The snapshot form ``World.to_dict`` writes, and the rules a snapshot must keep to be loaded.

Every rule is checked before ``World.load`` may replace the world with the snapshot.

``check_snapshot`` refuses, at the path of the first error: a document nested too deep or
too large, a missing or foreign format marker, any key the form does not have (or a missing
one it needs), a value of the wrong type or id format, two records with one id, a record
filed under a Region other than its own, and references that do not resolve: members of
unknown organizations or parents, an OU tree with a cycle or more than five levels, a
management account outside its organization, aliases of missing keys, key policies that do
not parse, malformed launch permissions, attached volumes of unknown instances, available
images over snapshots that do not exist, Allowed AMIs criteria over AWS's limits, network
records filed under another account or naming a VPC it does not have, two key pairs of one
owner with one name. Owners may be any 12-digit account (an account exists as soon as it
calls), and a key ARN on a snapshot or volume may name a key that is gone (KMS deletes keys
after their waiting period; the snapshot stays, as in AWS).
"""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from typing import Any

from emulator.core.clock import MAX_SHIFT
from emulator.core.ec2.images.allowed_images import (
    MANAGERS,
    MAX_DAYS,
    SEVERITIES,
    Criterion,
    check_criteria,
)
from emulator.core.ec2.images.allowed_images import STATES as ALLOWED_IMAGES_STATES
from emulator.core.ec2.images.block_public_access import BLOCKED, UNBLOCKED
from emulator.core.ec2.images.catalog import ARCHITECTURES
from emulator.core.ec2.images.launch_permissions import GROUP, ORG, OU, USER, Grant, validate
from emulator.core.ec2.images.records import (
    AVAILABLE,
    DEREGISTERED,
    PROTECTIONS,
    BlockDevice,
    Image,
)
from emulator.core.ec2.images.records import DISABLED as IMAGE_DISABLED
from emulator.core.ec2.images.usage_report_records import UsageReport
from emulator.core.ec2.images.usage_reports import RESOURCE_TYPES as USAGE_RESOURCE_TYPES
from emulator.core.ec2.images.usage_reports import VERSION_DEPTH
from emulator.core.ec2.instances.attributes import SHUTDOWN_BEHAVIORS
from emulator.core.ec2.instances.lifecycle import MAX_TRANSITION_SECONDS
from emulator.core.ec2.instances.operations import MAX_CLIENT_TOKEN
from emulator.core.ec2.instances.records import SETTLES_TO, Instance
from emulator.core.ec2.keypairs.records import ED25519, RSA, KeyPair
from emulator.core.ec2.launch_templates.operations import MAX_DESCRIPTION
from emulator.core.ec2.launch_templates.operations import NAME_PATTERN as TEMPLATE_NAME
from emulator.core.ec2.launch_templates.records import LaunchTemplate, TemplateVersion
from emulator.core.ec2.network.cidr import parse_block
from emulator.core.ec2.network.records import (
    Association,
    InternetGateway,
    Route,
    RouteTable,
    Rule,
    SecurityGroup,
    Subnet,
    Vpc,
)
from emulator.core.ec2.region import MAX_REGION_NAME
from emulator.core.ec2.region import REGION_NAME as REGION_PATTERN
from emulator.core.ec2.storage.records import Snapshot, Volume
from emulator.core.errors import CoreError
from emulator.core.iam.managed import aws_managed_policies
from emulator.core.iam.records import (
    MAX_DOCUMENT,
    MAX_PATH,
    SESSION_DURATION,
    AccessKey,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from emulator.core.iam.sessions import Session
from emulator.core.kms.grants import GRANT_ID, PRINCIPAL, SYMMETRIC_OPERATIONS
from emulator.core.kms.grants import Grant as KmsGrant
from emulator.core.kms.records import (
    ALIAS_NAME,
    AWS,
    CUSTOMER,
    DISABLED,
    ENABLED,
    KEY_ID,
    PENDING_DELETION,
    Alias,
    Key,
)
from emulator.core.organizations.policies.operations import check_document
from emulator.core.organizations.policies.records import (
    FULL_AWS_ACCESS_ID,
    POLICY_ID,
    SERVED_TYPES,
    TARGET_ID,
    Policy,
)
from emulator.core.organizations.records import (
    ACCOUNT_ID,
    CREATE_ACCOUNT_REQUEST_ID,
    CREATE_ACCOUNT_STATES,
    FEATURE_SETS,
    ORG_ID,
    OU_ID,
    PARENT_ID,
    PARTITION,
    ROOT_ID,
    Account,
    CreateAccountRequest,
    Organization,
    OrgUnit,
)
from emulator.core.organizations.tree import MAX_OU_DEPTH
from emulator.core.policy.grammar import IDENTITY, MAX_POLICY_BYTES, TRUST, parse_policy
from emulator.core.snapshots.redaction import REDACTED
from emulator.core.snapshots.schema import (
    Boolean,
    DocumentError,
    Integer,
    Json,
    ListOf,
    MapOf,
    Node,
    Nullable,
    Record,
    Text,
    Time,
    at,
    check_bounds,
)

FORMAT = "ami-emulator-state"
VERSION = 1
SECTIONS = frozenset({"config", "orgs", "sessions", "iam", "kms", "ec2", "clock"})
# A scenario may set ``clock`` too, so that key alone does not make a document a snapshot.
SNAPSHOT_ONLY = SECTIONS - {"clock"}

MATERIAL = re.compile(rf"[0-9a-f]{{64}}|{re.escape(REDACTED)}")
HEX_ID = r"-(?:[0-9a-f]{8}|[0-9a-f]{17})"


def _ec2_id(prefix: str, what: str) -> Text:
    return Text(f"{what} ({prefix}- and 8 or 17 hex digits)", re.compile(prefix + HEX_ID))


ACCOUNT = Text("a 12-digit account id", ACCOUNT_ID)
REGION_NAME = Text(
    "a Region name like us-east-1",
    REGION_PATTERN,
    min_length=1,
    max_length=MAX_REGION_NAME,
)
IMAGE_ID = _ec2_id("ami", "an image id")
SNAPSHOT_ID = _ec2_id("snap", "a snapshot id")
VOLUME_ID = _ec2_id("vol", "a volume id")
INSTANCE_ID = _ec2_id("i", "an instance id")
LAUNCH_TEMPLATE_ID = _ec2_id("lt", "a launch template id")
RESOURCE_ID = Text(
    "an EC2 resource id",
    re.compile(r"(?:ami|snap|vol|i|amiur|vpc|subnet|sg|sgr|igw|rtb|key|lt)" + HEX_ID),
)
USAGE_REPORT_ID = _ec2_id("amiur", "an image usage report id")
KEY_ARN = Text(
    "a KMS key ARN",
    re.compile(
        rf"arn:aws[a-z-]*:kms:{REGION_PATTERN.pattern}:\d{{12}}:key/{KEY_ID.pattern.strip('^$')}"
    ),
)
PARTITION_NAME = Text("a partition like aws or aws-cn", PARTITION)
EC2_TIME = Text(
    "a time like 2024-01-01T00:00:00.000Z",
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"),
)
NAME = Text(min_length=1)
OPTIONAL_TEXT = Nullable(Text())
SIZE = Integer(low=1)
COUNT = Nullable(Integer())


def record(cls: type, nodes: dict[str, Node]) -> Record:
    """The snapshot form of the dataclass ``cls``: the fields it has a default for may be
    left out (``from_dict`` fills them in), the others are required."""
    optional = frozenset(
        f.name for f in fields(cls) if f.default is not MISSING or f.default_factory is not MISSING
    )
    return Record(nodes, optional)


ORGANIZATION = record(
    Organization,
    {
        "id": Text("an organization id", ORG_ID),
        "root_id": Text("a root id", ROOT_ID),
        "management_account": ACCOUNT,
        "feature_set": Text(choices=FEATURE_SETS),
        "partition": PARTITION_NAME,
        "policy_types": ListOf(Text(choices=SERVED_TYPES)),
    },
)
ORG_POLICY = record(
    Policy,
    {
        "id": Text("a policy id", POLICY_ID),
        "org_id": Text("an organization id", ORG_ID),
        "type": Text(choices=SERVED_TYPES),
        "name": Text(min_length=1, max_length=128),
        "description": Text(max_length=512),
        "content": Text(min_length=1),
    },
)
POLICY_ATTACHMENT = Record(
    {
        "org_id": Text("an organization id", ORG_ID),
        "policy_id": Text("a policy id", POLICY_ID),
        "target_id": Text("a root, OU or account id", TARGET_ID),
    }
)
ORG_UNIT = record(
    OrgUnit,
    {
        "id": Text("an OU id", OU_ID),
        "org_id": Text("an organization id", ORG_ID),
        "parent_id": Text("a root or OU id", PARENT_ID),
        "name": Text(min_length=1, max_length=128),
    },
)
ACCOUNT_RECORD = record(
    Account,
    {
        "id": ACCOUNT,
        "name": Text(),
        "email": Text(),
        "org_id": Nullable(Text("an organization id", ORG_ID)),
        "parent_id": Nullable(Text("a root or OU id", PARENT_ID)),
        "joined_method": Nullable(Text(choices=("CREATED", "INVITED"))),
        "joined": Nullable(Time()),
    },
)
CREATE_ACCOUNT_REQUEST = record(
    CreateAccountRequest,
    {
        "id": Text("a create account request id", CREATE_ACCOUNT_REQUEST_ID),
        "org_id": Text("an organization id", ORG_ID),
        "account_name": Text(),
        "state": Text(choices=CREATE_ACCOUNT_STATES),
        "requested": Time(),
        "completed": Nullable(Time()),
        "account_id": Nullable(ACCOUNT),
        "failure_reason": OPTIONAL_TEXT,
    },
)
IAM_NAME = Text("an IAM name", re.compile(r"[\w+=,.@-]{1,128}"))
IAM_PATH = Text("an IAM path", re.compile(r"/(?:[\x21-\x7e]+/)?"), max_length=MAX_PATH)
DOCUMENT_TEXT = Text(min_length=1, max_length=MAX_DOCUMENT)
IAM_ID = Text("an IAM id like AIDA..., AROA..., ANPA...", re.compile(r"A[A-Z]{3}[A-Z0-9]{12,28}"))
INLINE = MapOf(IAM_NAME, DOCUMENT_TEXT)
IAM_TAGS = MapOf(Text(min_length=1, max_length=128), Text(max_length=256))  # at most 50
POLICY_ARNS = ListOf(
    Text("a policy ARN", re.compile(r"arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy/.+"))
)
SESSION = record(
    Session,
    {
        "access_key": Text(min_length=1, max_length=128),
        "secret_key": Text(),
        "token": Text(),
        "account": ACCOUNT,
        "role_name": Text(min_length=1, max_length=64),
        "role_id": Text(),
        "session_name": Text(min_length=1, max_length=64),
        "expires": Time(),
        "partition": PARTITION_NAME,
        "role_path": IAM_PATH,
    },
)
IAM_USER = record(
    User,
    {
        "account": ACCOUNT,
        "name": IAM_NAME,
        "id": IAM_ID,
        "path": IAM_PATH,
        "created": Time(),
        "partition": PARTITION_NAME,
        "inline": INLINE,
        "attached": POLICY_ARNS,
        "tags": IAM_TAGS,
    },
)
IAM_ROLE = record(
    Role,
    {
        "account": ACCOUNT,
        "name": IAM_NAME,
        "id": IAM_ID,
        "path": IAM_PATH,
        "created": Time(),
        "trust_policy": DOCUMENT_TEXT,
        "description": OPTIONAL_TEXT,
        "max_session": Integer(*SESSION_DURATION),
        "partition": PARTITION_NAME,
        "inline": INLINE,
        "attached": POLICY_ARNS,
        "tags": IAM_TAGS,
    },
)
IAM_POLICY = record(
    ManagedPolicy,
    {
        "account": ACCOUNT,
        "name": IAM_NAME,
        "id": IAM_ID,
        "path": IAM_PATH,
        "created": Time(),
        "updated": Time(),
        "default_version": Text("a version id like v1", re.compile(r"v[1-9][0-9]*")),
        "versions": ListOf(
            record(
                PolicyVersion,
                {
                    "id": Text("a version id like v1", re.compile(r"v[1-9][0-9]*")),
                    "document": DOCUMENT_TEXT,
                    "created": Time(),
                },
            )
        ),
        "description": OPTIONAL_TEXT,
        "partition": PARTITION_NAME,
        "next_version": Integer(low=2),
    },
)
IAM_KEY = record(
    AccessKey,
    {
        "id": Text("an access key id like AKIA...", re.compile(r"AKIA[A-Z0-9]{16}")),
        "secret": Text(min_length=1),
        "account": ACCOUNT,
        "user": IAM_NAME,
        "created": Time(),
        "status": Text(choices=("Active", "Inactive")),
    },
)
KEY = record(
    Key,
    {
        "key_id": Text("a key id", KEY_ID),
        "account": ACCOUNT,
        "region": REGION_NAME,
        "created": Time(),
        "policy": Text(max_length=MAX_POLICY_BYTES),
        "description": Text(max_length=8192),
        "state": Text(choices=(ENABLED, DISABLED, PENDING_DELETION)),
        "manager": Text(choices=(CUSTOMER, AWS)),
        "key_usage": Text(choices=("ENCRYPT_DECRYPT",)),
        "key_spec": Text(choices=("SYMMETRIC_DEFAULT",)),
        "origin": Text(choices=("AWS_KMS",)),
        "deletion_date": Nullable(Time()),
        "pending_window_days": Nullable(Integer(low=7, high=30)),
        "partition": PARTITION_NAME,
        # Secret: GET /_emulator/state shows it redacted (core/snapshots/redaction.py).
        "material": Text("64 hex digits of key material", MATERIAL),
    },
)
ALIAS = record(
    Alias,
    {
        "name": Text("an alias name (alias/...)", ALIAS_NAME, max_length=256),
        "account": ACCOUNT,
        "region": REGION_NAME,
        "target_key_id": Text("a key id", KEY_ID),
        "created": Time(),
        "updated": Time(),
        "partition": PARTITION_NAME,
    },
)
CONTEXT = MapOf(Text(max_length=384), Text(max_length=384))
GRANTEE = Text("an IAM or STS principal ARN or a service principal", PRINCIPAL, max_length=256)
KMS_GRANT = record(
    KmsGrant,
    {
        "grant_id": Text("64 hex digits", GRANT_ID),
        "key_arn": KEY_ARN,
        "grantee": GRANTEE,
        "operations": ListOf(Text(choices=SYMMETRIC_OPERATIONS)),
        "issuing_account": Text(max_length=256),
        "created": Time(),
        "token": Text(min_length=1, max_length=8192),
        "retiring": Nullable(GRANTEE),
        "name": Text(max_length=256),
        "equals": Nullable(CONTEXT),
        "subset": Nullable(CONTEXT),
        "for_aws_resource": Boolean(),
    },
)
BLOCK_DEVICE = record(
    BlockDevice,
    {
        "device_name": NAME,
        "snapshot_id": Nullable(SNAPSHOT_ID),
        "volume_size": Nullable(SIZE),
        "volume_type": OPTIONAL_TEXT,
        "delete_on_termination": Boolean(),
        "encrypted": Nullable(Boolean()),
        "kms_key_id": Nullable(KEY_ARN),
        "iops": COUNT,
        "throughput": COUNT,
        "virtual_name": OPTIONAL_TEXT,
        "no_device": Boolean(),
    },
)
GRANT = Record({"kind": Text(choices=(GROUP, USER, ORG, OU)), "value": Text()})
IMAGE = record(
    Image,
    {
        "image_id": IMAGE_ID,
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "name": Text(min_length=1, max_length=128),
        "creation_date": EC2_TIME,
        "description": OPTIONAL_TEXT,
        "architecture": Text(choices=tuple(sorted(ARCHITECTURES))),
        "root_device_name": NAME,
        "root_device_type": Text(choices=("ebs", "instance-store")),
        "virtualization_type": NAME,
        "hypervisor": NAME,
        "ena_support": Boolean(),
        "sriov_net_support": OPTIONAL_TEXT,
        "imds_support": OPTIONAL_TEXT,
        "boot_mode": OPTIONAL_TEXT,
        "tpm_support": OPTIONAL_TEXT,
        "uefi_data": OPTIONAL_TEXT,
        "kernel_id": OPTIONAL_TEXT,
        "ramdisk_id": OPTIONAL_TEXT,
        "image_type": NAME,
        "platform_details": NAME,
        "usage_operation": NAME,
        "image_location": OPTIONAL_TEXT,
        "state": Text(choices=(AVAILABLE, DEREGISTERED, IMAGE_DISABLED)),
        "block_devices": ListOf(BLOCK_DEVICE),
        "source_image_id": Nullable(IMAGE_ID),
        "source_image_region": Nullable(REGION_NAME),
        "source_instance_id": Nullable(INSTANCE_ID),
        "last_launched_time": Nullable(EC2_TIME),
        "deprecation_time": Nullable(EC2_TIME),
        "deregistration_protection": Text(choices=PROTECTIONS),
        "protection_cooldown_until": Nullable(EC2_TIME),
        "launch_permissions": ListOf(GRANT),
    },
)
SNAPSHOT = record(
    Snapshot,
    {
        "snapshot_id": SNAPSHOT_ID,
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "volume_id": VOLUME_ID,
        "volume_size": SIZE,
        "start_time": EC2_TIME,
        "description": OPTIONAL_TEXT,
        "state": NAME,
        "encrypted": Boolean(),
        "kms_key_id": Nullable(KEY_ARN),
        "create_volume_permissions": ListOf(
            Text("a 12-digit account id or all", re.compile(r"all|\d{12}"))
        ),
    },
)
VOLUME = record(
    Volume,
    {
        "volume_id": VOLUME_ID,
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "size": SIZE,
        "availability_zone": NAME,
        "create_time": EC2_TIME,
        "snapshot_id": Nullable(SNAPSHOT_ID),
        "volume_type": NAME,
        "iops": COUNT,
        "throughput": COUNT,
        "encrypted": Boolean(),
        "kms_key_id": Nullable(KEY_ARN),
        "instance_id": Nullable(INSTANCE_ID),
        "device": OPTIONAL_TEXT,
        "attach_time": Nullable(EC2_TIME),
        "delete_on_termination": Boolean(),
        "multi_attach_enabled": Boolean(),
    },
)
VPC_ID = _ec2_id("vpc", "a VPC id")
SUBNET_ID = _ec2_id("subnet", "a subnet id")
GROUP_ID = _ec2_id("sg", "a security group id")
IGW_ID = _ec2_id("igw", "an internet gateway id")
CIDR = Text("an IPv4 CIDR block", re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}"))
IPV4 = Text("an IPv4 address", re.compile(r"\d{1,3}(?:\.\d{1,3}){3}"))
PORT = Nullable(Integer(low=-1, high=65535))
INSTANCE_PLACEMENT = {
    "subnet_id": Nullable(SUBNET_ID),
    "vpc_id": Nullable(VPC_ID),
    "private_ip_address": Nullable(IPV4),
    "network_interface_id": Nullable(_ec2_id("eni", "a network interface id")),
    "security_groups": MapOf(GROUP_ID, Text()),
    "key_name": OPTIONAL_TEXT,
}
INSTANCE = record(
    Instance,
    {
        "instance_id": INSTANCE_ID,
        "reservation_id": _ec2_id("r", "a reservation id"),
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "image_id": IMAGE_ID,
        "instance_type": NAME,
        "launch_time": EC2_TIME,
        "availability_zone": NAME,
        "ami_launch_index": Integer(),
        "state": Text(choices=tuple(SETTLES_TO.values())),
        "transition": Nullable(Text(choices=tuple(SETTLES_TO))),
        "settles_at": Nullable(EC2_TIME),
        "root_device_name": NAME,
        "root_device_type": NAME,
        "architecture": NAME,
        "virtualization_type": NAME,
        "hypervisor": NAME,
        "platform_details": NAME,
        "usage_operation": NAME,
        "volume_ids": ListOf(VOLUME_ID),
        "state_transition_reason": Text(),
        "state_reason": Nullable(MapOf(Text(), Text())),
        **INSTANCE_PLACEMENT,
        "terminated_at": Nullable(EC2_TIME),
        "kernel_id": OPTIONAL_TEXT,
        "ramdisk_id": OPTIONAL_TEXT,
        "user_data": OPTIONAL_TEXT,
        "disable_api_termination": Boolean(),
        "disable_api_stop": Boolean(),
        "shutdown_behavior": Text(choices=SHUTDOWN_BEHAVIORS),
        "source_dest_check": Boolean(),
        "ebs_optimized": Boolean(),
        "ena_support": Boolean(),
        "sriov_net_support": OPTIONAL_TEXT,
        "hibernation_configured": Boolean(),
        "client_token": Nullable(Text(min_length=1, max_length=MAX_CLIENT_TOKEN)),
        "launch_template_id": Nullable(LAUNCH_TEMPLATE_ID),
        "launch_template_version": OPTIONAL_TEXT,
    },
)
TEMPLATE_VERSION = record(
    TemplateVersion,
    {
        "number": Integer(low=1),
        "create_time": EC2_TIME,
        "created_by": NAME,
        "description": Nullable(Text(max_length=MAX_DESCRIPTION)),
        "data": MapOf(Text(min_length=1), Json()),
    },
)
LAUNCH_TEMPLATE = record(
    LaunchTemplate,
    {
        "template_id": LAUNCH_TEMPLATE_ID,
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "name": Text("a launch template name", TEMPLATE_NAME),
        "create_time": EC2_TIME,
        "created_by": NAME,
        "default_version": Integer(low=1),
        "latest_version": Integer(low=1),
        "versions": ListOf(TEMPLATE_VERSION),
    },
)
NETWORK = Record(
    {
        "vpcs": ListOf(
            record(
                Vpc,
                {
                    "vpc_id": VPC_ID,
                    "owner": ACCOUNT,
                    "cidr_block": CIDR,
                    "cidr_association_id": _ec2_id("vpc-cidr-assoc", "a CIDR association id"),
                    "dhcp_options_id": _ec2_id("dopt", "a DHCP options id"),
                    "is_default": Boolean(),
                    "instance_tenancy": Text(choices=("default", "dedicated")),
                },
            )
        ),
        "subnets": ListOf(
            record(
                Subnet,
                {
                    "subnet_id": SUBNET_ID,
                    "owner": ACCOUNT,
                    "vpc_id": VPC_ID,
                    "cidr_block": CIDR,
                    "availability_zone": NAME,
                    "availability_zone_id": NAME,
                    "default_for_az": Boolean(),
                    "map_public_ip_on_launch": Boolean(),
                },
            )
        ),
        "security_groups": ListOf(
            record(
                SecurityGroup,
                {
                    "group_id": GROUP_ID,
                    "owner": ACCOUNT,
                    "vpc_id": VPC_ID,
                    "name": Text(min_length=1, max_length=255),
                    "description": Text(max_length=255),
                    "rules": ListOf(
                        record(
                            Rule,
                            {
                                "rule_id": _ec2_id("sgr", "a security group rule id"),
                                "egress": Boolean(),
                                "protocol": Text(min_length=1, max_length=8),
                                "from_port": PORT,
                                "to_port": PORT,
                                "cidr_ipv4": Nullable(CIDR),
                                "cidr_ipv6": OPTIONAL_TEXT,
                                "group_id": Nullable(GROUP_ID),
                                "user_id": Nullable(ACCOUNT),
                                "prefix_list_id": OPTIONAL_TEXT,
                                "description": OPTIONAL_TEXT,
                            },
                        )
                    ),
                },
            )
        ),
        "internet_gateways": ListOf(
            record(
                InternetGateway, {"igw_id": IGW_ID, "owner": ACCOUNT, "vpc_id": Nullable(VPC_ID)}
            )
        ),
        "route_tables": ListOf(
            record(
                RouteTable,
                {
                    "route_table_id": _ec2_id("rtb", "a route table id"),
                    "owner": ACCOUNT,
                    "vpc_id": VPC_ID,
                    "routes": ListOf(
                        record(
                            Route,
                            {
                                "destination": CIDR,
                                "gateway_id": Text(min_length=1),
                                "origin": Text(choices=("CreateRouteTable", "CreateRoute")),
                            },
                        )
                    ),
                    "associations": ListOf(
                        record(
                            Association,
                            {
                                "association_id": _ec2_id("rtbassoc", "an association id"),
                                "subnet_id": Nullable(SUBNET_ID),
                            },
                        )
                    ),
                },
            )
        ),
    },
    frozenset({"vpcs", "subnets", "security_groups", "internet_gateways", "route_tables"}),
)
KEY_PAIR = record(
    KeyPair,
    {
        "key_pair_id": _ec2_id("key", "a key pair id"),
        "owner": ACCOUNT,
        "name": Text(min_length=1, max_length=255),
        "key_type": Text(choices=(RSA, ED25519)),
        "fingerprint": Text(min_length=1, max_length=128),
        "public_key": Text(min_length=1, max_length=16_384),
        "create_time": EC2_TIME,
    },
)
DAYS = Integer(low=0, high=MAX_DAYS)
CRITERION = Record(
    {
        "providers": ListOf(Text(min_length=1, max_length=128)),
        "names": ListOf(Text(min_length=1, max_length=128)),
        "product_codes": ListOf(Text(min_length=1, max_length=25)),
        "max_days_since_created": DAYS,
        "max_days_since_deprecated": DAYS,
        "watermarks": ListOf(
            Record(
                {
                    "key": Text(min_length=1, max_length=256),
                    "source_image_region": Text(min_length=1, max_length=64),
                    "max_days_since_source_image_created": DAYS,
                    "max_days_since_watermark_created": DAYS,
                },
                frozenset(
                    {
                        "key",
                        "source_image_region",
                        "max_days_since_source_image_created",
                        "max_days_since_watermark_created",
                    }
                ),
            )
        ),
        "scan_result": Record(
            {
                "max_days_since_last_finding_scan": DAYS,
                "maximum_severity_label": Text(choices=SEVERITIES),
                "fix_days": MapOf(Text(choices=SEVERITIES), DAYS),
            },
            frozenset({"max_days_since_last_finding_scan", "maximum_severity_label", "fix_days"}),
        ),
    },
    frozenset(
        {
            "providers",
            "names",
            "product_codes",
            "max_days_since_created",
            "max_days_since_deprecated",
            "watermarks",
            "scan_result",
        }
    ),
)
ALLOWED_IMAGES = Record(
    {
        "state": Text(choices=ALLOWED_IMAGES_STATES),
        "criteria": ListOf(CRITERION),
        "managed_by": Text(choices=MANAGERS),
    },
    frozenset({"criteria", "managed_by"}),
)
USAGE_REPORT = record(
    UsageReport,
    {
        "report_id": USAGE_REPORT_ID,
        "owner": ACCOUNT,
        "region": REGION_NAME,
        "image_id": IMAGE_ID,
        "resource_types": ListOf(
            Record(
                {
                    "resource_type": Text(choices=USAGE_RESOURCE_TYPES),
                    "options": MapOf(Text(choices=(VERSION_DEPTH,)), ListOf(Text(max_length=16))),
                },
                frozenset({"options"}),
            )
        ),
        "account_ids": ListOf(ACCOUNT),
        "creation_time": EC2_TIME,
        "expiration_time": EC2_TIME,
        "entries": ListOf(
            Record(
                {
                    "resource_type": Text(choices=USAGE_RESOURCE_TYPES),
                    "account_id": ACCOUNT,
                    "usage_count": Integer(low=1),
                }
            )
        ),
        "client_token": Nullable(Text(max_length=128)),
    },
)
TAG_KEY = Text(min_length=1, max_length=128)
REGION_STATE = Record(
    {
        "images": ListOf(IMAGE),
        "snapshots": ListOf(SNAPSHOT),
        "volumes": ListOf(VOLUME),
        "instances": ListOf(INSTANCE),
        "launch_templates": ListOf(LAUNCH_TEMPLATE),
        # resource id -> tagging account -> key -> value
        "tags": MapOf(RESOURCE_ID, MapOf(ACCOUNT, MapOf(TAG_KEY, Text(max_length=256)))),
        "bpa": MapOf(ACCOUNT, Text(choices=(UNBLOCKED, BLOCKED))),
        "allowed_images": MapOf(ACCOUNT, ALLOWED_IMAGES),
        "usage_reports": ListOf(USAGE_REPORT),
        "network": MapOf(ACCOUNT, NETWORK),
        "key_pairs": ListOf(KEY_PAIR),
    },
    frozenset(
        {
            "images",
            "snapshots",
            "volumes",
            "instances",
            "tags",
            "bpa",
            "allowed_images",
            "usage_reports",
            "network",
            "key_pairs",
            "launch_templates",
        }
    ),
)
CONFIG = Record(
    {
        "default_account": ACCOUNT,
        "default_region": REGION_NAME,
        "access_keys": MapOf(Text(min_length=1, max_length=128), ACCOUNT),
        "secret_keys": MapOf(Text(min_length=1, max_length=128), Text(min_length=1)),
        "bpa_default": Text(choices=(UNBLOCKED, BLOCKED)),
        "max_launch_permissions": Nullable(Integer(low=1)),
        "extra_regions": ListOf(REGION_NAME),
        "transition_seconds": Integer(low=0, high=MAX_TRANSITION_SECONDS),
    },
    frozenset(
        {
            "default_account",
            "default_region",
            "access_keys",
            "secret_keys",
            "bpa_default",
            "max_launch_permissions",
            "transition_seconds",
        }
    ),
)
SNAPSHOT_FORM = Record(
    {
        "format": Text(choices=(FORMAT,)),
        "version": Integer(),
        "config": CONFIG,
        "orgs": Record(
            {
                "organizations": ListOf(ORGANIZATION),
                "ous": ListOf(ORG_UNIT),
                "accounts": ListOf(ACCOUNT_RECORD),
                "create_account_requests": ListOf(CREATE_ACCOUNT_REQUEST),
                "policies": ListOf(ORG_POLICY),
                "attachments": ListOf(POLICY_ATTACHMENT),
            },
            frozenset(
                {
                    "organizations",
                    "ous",
                    "accounts",
                    "create_account_requests",
                    "policies",
                    "attachments",
                }
            ),
        ),
        "sessions": MapOf(Text(min_length=1, max_length=128), SESSION),
        "iam": Record(
            {
                "users": ListOf(IAM_USER),
                "roles": ListOf(IAM_ROLE),
                "policies": ListOf(IAM_POLICY),
                "access_keys": ListOf(IAM_KEY),
            },
            frozenset({"users", "roles", "policies", "access_keys"}),
        ),
        "kms": Record(
            {"keys": ListOf(KEY), "aliases": ListOf(ALIAS), "grants": ListOf(KMS_GRANT)},
            frozenset({"keys", "aliases", "grants"}),
        ),
        "ec2": Record({"regions": MapOf(REGION_NAME, REGION_STATE)}, frozenset({"regions"})),
        # The world's clock: its offset from real time, or the moment it is stopped at.
        "clock": Record(
            {
                "offset_ms": Integer(
                    low=-int(MAX_SHIFT.total_seconds() * 1000),
                    high=int(MAX_SHIFT.total_seconds() * 1000),
                ),
                "frozen_at": Nullable(Time()),
            },
            frozenset({"offset_ms", "frozen_at"}),
        ),
    },
    SECTIONS,
)


def is_snapshot(data: Any) -> bool:
    """Whether a document means to be a snapshot (rather than a scenario)."""
    return isinstance(data, dict) and ("format" in data or bool(SNAPSHOT_ONLY & data.keys()))


def check_snapshot(data: Any) -> None:
    """Raise ``DocumentError`` at the first thing that keeps ``data`` from being loaded."""
    check_bounds(data)
    if not isinstance(data, dict):
        raise DocumentError("", f"a snapshot is a mapping, not {type(data).__name__}")
    if "format" not in data:
        raise DocumentError(
            "format", f'required key is missing (a snapshot has "format": "{FORMAT}")'
        )
    if data["format"] != FORMAT:
        raise DocumentError("format", f"expected {FORMAT!r}, got {data['format']!r:.80}")
    if data.get("version") != VERSION:
        raise DocumentError(
            "version",
            f"unsupported version {data.get('version')!r:.20} (this emulator reads {VERSION})",
        )
    SNAPSHOT_FORM.check(data, "")
    _check_orgs(data.get("orgs", {}))
    for key, session in data.get("sessions", {}).items():
        if session["access_key"] != key:
            raise DocumentError(at(at("sessions", key), "access_key"), "differs from its key")
    _check_iam(data.get("iam", {}))
    _check_kms(data.get("kms", {}))
    for name, region in data.get("ec2", {}).get("regions", {}).items():
        _check_region(name, region, at("ec2.regions", name))


def _unique(seen: dict[Any, str], value: Any, path: str, what: str) -> None:
    if value in seen:
        raise DocumentError(path, f"{what} {value} is listed twice (first at {seen[value]})")
    seen[value] = path


def _check_orgs(orgs: dict[str, Any]) -> None:
    roots: dict[str, str] = {}  # org id -> root id
    seen: dict[Any, str] = {}
    for i, org in enumerate(orgs.get("organizations", [])):
        path = at("orgs.organizations", i)
        _unique(seen, org["id"], at(path, "id"), "organization")
        _unique(seen, org["root_id"], at(path, "root_id"), "root")
        roots[org["id"]] = org["root_id"]
    ous: dict[str, dict[str, Any]] = {}
    for i, ou in enumerate(orgs.get("ous", [])):
        path = at("orgs.ous", i)
        _unique(seen, ou["id"], at(path, "id"), "OU")
        if ou["org_id"] not in roots:
            raise DocumentError(at(path, "org_id"), f"no organization {ou['org_id']}")
        ous[ou["id"]] = ou
    for i, ou in enumerate(orgs.get("ous", [])):
        _check_ou_chain(ou, ous, roots, at("orgs.ous", i))
    members: dict[str, str] = {}  # account -> org id
    for i, acct in enumerate(orgs.get("accounts", [])):
        path = at("orgs.accounts", i)
        _unique(seen, acct["id"], at(path, "id"), "account")
        org_id, parent_id = acct.get("org_id"), acct.get("parent_id")
        if (org_id is None) != (parent_id is None):
            raise DocumentError(path, "org_id and parent_id are both set (a member) or both null")
        if org_id is None:
            continue
        if org_id not in roots:
            raise DocumentError(at(path, "org_id"), f"no organization {org_id}")
        if parent_id != roots[org_id] and ous.get(parent_id, {}).get("org_id") != org_id:
            raise DocumentError(
                at(path, "parent_id"), f"{parent_id} is neither the root nor an OU of {org_id}"
            )
        members[acct["id"]] = org_id
    for i, org in enumerate(orgs.get("organizations", [])):
        if members.get(org["management_account"]) != org["id"]:
            raise DocumentError(
                at(at("orgs.organizations", i), "management_account"),
                f"{org['management_account']} is not a member of {org['id']}",
            )
    for i, req in enumerate(orgs.get("create_account_requests", [])):
        path = at("orgs.create_account_requests", i)
        _unique(seen, req["id"], at(path, "id"), "create account request")
        if req["org_id"] not in roots:
            raise DocumentError(at(path, "org_id"), f"no organization {req['org_id']}")
        account = req.get("account_id")
        if account is not None and account not in seen:
            raise DocumentError(at(path, "account_id"), f"no account {account} in orgs.accounts")
    _check_policies(orgs, roots, ous, members, seen)


def _check_policies(
    orgs: dict[str, Any],
    roots: dict[str, str],
    ous: dict[str, dict[str, Any]],
    members: dict[str, str],
    seen: dict[Any, str],
) -> None:
    """Policies belong to a known organization and pass the grammar of their type; each
    attachment joins a policy and a target of one organization, with the type enabled."""
    enabled = {o["id"]: set(o.get("policy_types", [])) for o in orgs.get("organizations", [])}
    types: dict[str, tuple[str, str]] = {}  # policy id -> (org id, type)
    for i, pol in enumerate(orgs.get("policies", [])):
        path = at("orgs.policies", i)
        _unique(seen, pol["id"], at(path, "id"), "policy")
        if pol["org_id"] not in roots:
            raise DocumentError(at(path, "org_id"), f"no organization {pol['org_id']}")
        try:
            check_document(pol["type"], pol["content"], pol["name"], pol["description"])
        except CoreError as e:
            raise DocumentError(
                at(path, "content"), f"not a valid {pol['type']} ({e.reason})"
            ) from None
        types[pol["id"]] = (pol["org_id"], pol["type"])
    pairs: dict[Any, str] = {}
    for i, att in enumerate(orgs.get("attachments", [])):
        path = at("orgs.attachments", i)
        org_id, policy_id, target = att["org_id"], att["policy_id"], att["target_id"]
        if org_id not in roots:
            raise DocumentError(at(path, "org_id"), f"no organization {org_id}")
        owner, kind = types.get(policy_id, (org_id, "SERVICE_CONTROL_POLICY"))
        if (policy_id != FULL_AWS_ACCESS_ID and policy_id not in types) or owner != org_id:
            raise DocumentError(at(path, "policy_id"), f"no policy {policy_id} in {org_id}")
        in_org = (
            target == roots[org_id]
            or ous.get(target, {}).get("org_id") == org_id
            or members.get(target) == org_id
        )
        if not in_org:
            raise DocumentError(at(path, "target_id"), f"{target} is not a target of {org_id}")
        if kind not in enabled[org_id]:
            raise DocumentError(path, f"{kind} is not enabled in {org_id}")
        _unique(pairs, (policy_id, target), path, "attachment")


def _check_ou_chain(
    ou: dict[str, Any], ous: dict[str, dict[str, Any]], roots: dict[str, str], path: str
) -> None:
    """The OU's parents lead to its organization's root, through at most five OUs."""
    root, chain, node = roots[ou["org_id"]], [ou["id"]], ou
    while node["parent_id"] != root:
        parent = ous.get(node["parent_id"])
        if parent is None or parent["org_id"] != ou["org_id"]:
            raise DocumentError(
                at(path, "parent_id") if node is ou else path,
                f"{node['parent_id']} is neither the root nor an OU of {ou['org_id']}",
            )
        if parent["id"] in chain:
            raise DocumentError(path, f"the OU tree has a cycle: {' -> '.join(chain)}")
        chain.append(parent["id"])
        if len(chain) > MAX_OU_DEPTH:
            raise DocumentError(path, f"more than {MAX_OU_DEPTH} levels of OUs under the root")
        node = parent


def _document(text: str, kind: str, path: str) -> None:
    try:
        parse_policy(text, kind)
    except CoreError as err:
        raise DocumentError(path, err.details.get("detail", err.reason)) from None


def _check_iam(iam: dict[str, Any]) -> None:
    """Unique names per account (without regard to case), documents that parse, and
    attachments and keys that name what exists."""
    policies: dict[Any, str] = {}
    arns: set[str] = set()
    for i, policy in enumerate(iam.get("policies", [])):
        path = at("iam.policies", i)
        _unique(
            policies, (policy["account"], policy["name"].casefold()), at(path, "name"), "policy"
        )
        versions = {v["id"] for v in policy["versions"]}
        if policy["default_version"] not in versions:
            raise DocumentError(at(path, "default_version"), "names none of its versions")
        for j, version in enumerate(policy["versions"]):
            _document(version["document"], IDENTITY, at(at(at(path, "versions"), j), "document"))
        arns.add(
            f"arn:{policy.get('partition', 'aws')}:iam::{policy['account']}:policy"
            f"{policy['path']}{policy['name']}"
        )
    users: dict[Any, str] = {}
    for kind in ("users", "roles"):
        seen: dict[Any, str] = users if kind == "users" else {}
        for i, entity in enumerate(iam.get(kind, [])):
            path = at(f"iam.{kind}", i)
            _unique(
                seen, (entity["account"], entity["name"].casefold()), at(path, "name"), kind[:-1]
            )
            for name, document in entity.get("inline", {}).items():
                _document(document, IDENTITY, at(at(path, "inline"), name))
            if kind == "roles":
                _document(entity["trust_policy"], TRUST, at(path, "trust_policy"))
            for j, arn in enumerate(entity.get("attached", [])):
                shipped = ":iam::aws:policy" in arn and arn.split(":policy", 1)[1] in (
                    aws_managed_policies()
                )
                if not shipped and arn not in arns:
                    raise DocumentError(at(at(path, "attached"), j), f"no managed policy {arn}")
    keys: dict[Any, str] = {}
    for i, key in enumerate(iam.get("access_keys", [])):
        path = at("iam.access_keys", i)
        _unique(keys, key["id"], at(path, "id"), "access key")
        if (key["account"], key["user"].casefold()) not in users:
            raise DocumentError(at(path, "user"), f"no user {key['user']} in {key['account']}")


def _check_kms(kms: dict[str, Any]) -> None:
    keys: dict[Any, str] = {}
    for i, key in enumerate(kms.get("keys", [])):
        path = at("kms.keys", i)
        _unique(keys, (key["account"], key["region"], key["key_id"]), at(path, "key_id"), "key")
        try:
            parse_policy(key["policy"])
        except CoreError as err:
            raise DocumentError(at(path, "policy"), err.details.get("detail", err.reason)) from None
    aliases: dict[Any, str] = {}
    for i, alias in enumerate(kms.get("aliases", [])):
        path = at("kms.aliases", i)
        place = (alias["account"], alias["region"])
        _unique(aliases, (*place, alias["name"]), at(path, "name"), "alias")
        if (*place, alias["target_key_id"]) not in keys:
            raise DocumentError(
                at(path, "target_key_id"),
                f"no key {alias['target_key_id']} of {place[0]} in {place[1]}",
            )
    grants: dict[Any, str] = {}
    tokens: dict[Any, str] = {}
    for i, grant in enumerate(kms.get("grants", [])):
        path = at("kms.grants", i)
        _unique(grants, grant["grant_id"], at(path, "grant_id"), "grant")
        _unique(tokens, grant["token"], at(path, "token"), "grant token")
        _, _, _, region, account, resource = grant["key_arn"].split(":", 5)
        if (account, region, resource.removeprefix("key/")) not in keys:
            raise DocumentError(at(path, "key_arn"), f"no key {grant['key_arn']}")


def _check_region(name: str, region: dict[str, Any], path: str) -> None:
    snapshots: dict[Any, str] = {}
    for i, snap in enumerate(region.get("snapshots", [])):
        where = _in_region(snap, name, at(path, "snapshots"), i, "snapshot_id", snapshots)
        _check_key_ref(snap, name, where)
    images: dict[Any, str] = {}
    for i, image in enumerate(region.get("images", [])):
        where = _in_region(image, name, at(path, "images"), i, "image_id", images)
        if image.get("state") == IMAGE_DISABLED and image.get("launch_permissions"):
            raise DocumentError(
                at(where, "launch_permissions"), "a disabled image has no launch permissions"
            )
        for j, grant in enumerate(image.get("launch_permissions", [])):
            try:
                validate(Grant(grant["kind"], grant["value"]))
            except CoreError:
                raise DocumentError(
                    at(at(where, "launch_permissions"), j), f"malformed {grant['kind']} grant"
                ) from None
        for j, device in enumerate(image.get("block_devices", [])):
            device_path = at(at(where, "block_devices"), j)
            _check_key_ref(device, name, device_path)
            snapshot = device.get("snapshot_id")
            if (
                image.get("state", AVAILABLE) != DEREGISTERED
                and snapshot
                and snapshot not in snapshots
            ):
                raise DocumentError(
                    at(device_path, "snapshot_id"), f"no snapshot {snapshot} in {name}"
                )
    for account, settings in region.get("allowed_images", {}).items():
        where = at(at(path, "allowed_images"), account)
        try:
            check_criteria([Criterion.from_dict(c) for c in settings.get("criteria", [])])
        except CoreError as err:
            detail = ", ".join(f"{k}={v}" for k, v in err.details.items())
            raise DocumentError(
                at(where, "criteria"), f"{err.reason.replace('_', ' ')} ({detail})"
            ) from None
    reports: dict[Any, str] = {}
    for i, report in enumerate(region.get("usage_reports", [])):
        _in_region(report, name, at(path, "usage_reports"), i, "report_id", reports)
    for account, net in region.get("network", {}).items():
        _check_network(net, account, at(at(path, "network"), account))
    pairs: dict[Any, str] = {}
    for i, pair in enumerate(region.get("key_pairs", [])):
        where = at(at(path, "key_pairs"), i)
        _unique(pairs, pair["key_pair_id"], at(where, "key_pair_id"), "key pair")
        _unique(pairs, (pair["owner"], pair["name"]), at(where, "name"), "key pair name")
    instances: dict[Any, str] = {}
    for i, instance in enumerate(region.get("instances", [])):
        _in_region(instance, name, at(path, "instances"), i, "instance_id", instances)
    volumes: dict[Any, str] = {}
    for i, volume in enumerate(region.get("volumes", [])):
        where = _in_region(volume, name, at(path, "volumes"), i, "volume_id", volumes)
        _check_key_ref(volume, name, where)
        attached = volume.get("instance_id")
        if attached is not None and attached not in instances:
            raise DocumentError(at(where, "instance_id"), f"no instance {attached} in {name}")


def _check_network(net: dict[str, Any], account: str, path: str) -> None:
    """One account's network: its records are its own, blocks are IPv4 CIDR, and every
    subnet, group, gateway and route table names one of its VPCs."""
    vpcs: dict[Any, str] = {}
    for kind, id_key in (
        ("vpcs", "vpc_id"),
        ("subnets", "subnet_id"),
        ("security_groups", "group_id"),
        ("internet_gateways", "igw_id"),
        ("route_tables", "route_table_id"),
    ):
        seen: dict[Any, str] = vpcs if kind == "vpcs" else {}
        for i, item in enumerate(net.get(kind, [])):
            where = at(at(path, kind), i)
            if kind == "vpcs":
                _unique(seen, item[id_key], at(where, id_key), "VPC")
            elif item.get("vpc_id") is not None and item["vpc_id"] not in vpcs:
                raise DocumentError(at(where, "vpc_id"), f"no VPC {item['vpc_id']} of {account}")
            if kind != "vpcs":
                _unique(seen, item[id_key], at(where, id_key), id_key.split("_")[0])
            if item["owner"] != account:
                raise DocumentError(
                    at(where, "owner"), f"expected {account}, the account it is filed under"
                )
            if "cidr_block" in item:
                try:
                    parse_block(item["cidr_block"])
                except CoreError:
                    raise DocumentError(at(where, "cidr_block"), "not an IPv4 CIDR block") from None


def _in_region(
    item: dict[str, Any], region: str, path: str, i: int, id_key: str, seen: dict[Any, str]
) -> str:
    where = at(path, i)
    _unique(seen, item[id_key], at(where, id_key), id_key.split("_")[0])
    if item["region"] != region:
        raise DocumentError(at(where, "region"), f"expected {region}, the Region it is filed under")
    return where


def _check_key_ref(item: dict[str, Any], region: str, path: str) -> None:
    """An encrypted volume, snapshot or device names a key of its own Region; others none."""
    key = item.get("kms_key_id")
    if key is not None and not item.get("encrypted"):
        raise DocumentError(at(path, "kms_key_id"), "a key on something not encrypted")
    if key is not None and key.split(":")[3] != region:
        raise DocumentError(at(path, "kms_key_id"), f"expected a key of {region}, got {key}")
