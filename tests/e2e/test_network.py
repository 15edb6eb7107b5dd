"""The network end to end: the default VPC, VPCs, subnets, groups, gateways, route tables,
and where RunInstances puts an instance."""

from __future__ import annotations

import json
import urllib.request

import pytest

from emulator.server import RunningServer
from tests.e2e.worlds import Client, ClientFactory, aws_error, register_image_from_snapshot

A, B = "111111111111", "222222222222"
REGION = "us-east-1"


@pytest.fixture
def ec2(aws: ClientFactory) -> Client:
    return aws("ec2", account=A, region=REGION)


def default_vpc(ec2: Client) -> dict:
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpc


def state(server: RunningServer) -> dict:
    with urllib.request.urlopen(f"{server.url}/_emulator/state", timeout=30) as answer:
        return json.loads(answer.read())


def test_every_account_has_a_default_vpc_with_a_subnet_per_zone(ec2: Client) -> None:
    vpc = default_vpc(ec2)
    assert vpc["CidrBlock"] == "172.31.0.0/16"
    assert vpc["IsDefault"] is True and vpc["OwnerId"] == A
    assert vpc["VpcId"].startswith("vpc-") and len(vpc["VpcId"]) == 21
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    assert [(s["AvailabilityZone"], s["CidrBlock"]) for s in subnets] == [
        ("us-east-1a", "172.31.0.0/20"),
        ("us-east-1b", "172.31.16.0/20"),
        ("us-east-1c", "172.31.32.0/20"),
    ]
    assert all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] for s in subnets)
    assert subnets[0]["AvailableIpAddressCount"] == 4091
    (group,) = ec2.describe_security_groups()["SecurityGroups"]
    assert group["GroupName"] == "default" and group["VpcId"] == vpc["VpcId"]
    assert group["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    assert group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == group["GroupId"]
    (igw,) = ec2.describe_internet_gateways()["InternetGateways"]
    assert igw["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    (table,) = ec2.describe_route_tables()["RouteTables"]
    assert {r["DestinationCidrBlock"]: r["GatewayId"] for r in table["Routes"]} == {
        "172.31.0.0/16": "local",
        "0.0.0.0/0": igw["InternetGatewayId"],
    }
    assert table["Associations"][0]["Main"] is True


def test_reads_record_nothing_and_the_first_change_keeps_the_same_ids(
    server: RunningServer, ec2: Client
) -> None:
    before = default_vpc(ec2)["VpcId"]
    subnets = {s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]}
    assert state(server)["ec2"]["regions"] == {}
    ec2.create_security_group(GroupName="web", Description="web", DryRun=False)
    assert default_vpc(ec2)["VpcId"] == before
    assert {s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]} == subnets
    assert A in state(server)["ec2"]["regions"][REGION]["network"]


def test_a_dry_run_in_an_unused_region_records_no_network(
    server: RunningServer, aws: ClientFactory
) -> None:
    ec2 = aws("ec2", account=A, region="eu-north-1")
    with aws_error("DryRunOperation", status=412):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    with aws_error("DryRunOperation", status=412):
        ec2.create_key_pair(KeyName="k", DryRun=True)
    assert "eu-north-1" not in state(server)["ec2"]["regions"]


def test_each_account_sees_only_its_own_network(aws: ClientFactory, ec2: Client) -> None:
    other = aws("ec2", account=B, region=REGION)
    mine, theirs = default_vpc(ec2)["VpcId"], default_vpc(other)["VpcId"]
    assert mine != theirs
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with aws_error("InvalidVpcID.NotFound", f"The vpc ID '{vpc}' does not exist"):
        other.describe_vpcs(VpcIds=[vpc])
    with aws_error("InvalidVpcID.NotFound"):
        other.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")
    assert [v["VpcId"] for v in other.describe_vpcs()["Vpcs"]] == [theirs]


def test_create_vpc_comes_with_a_main_route_table_and_default_group(ec2: Client) -> None:
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.5/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "lab"}]}],
    )["Vpc"]
    assert vpc["CidrBlock"] == "10.0.0.0/16" and vpc["IsDefault"] is False
    assert vpc["Tags"] == [{"Key": "Name", "Value": "lab"}]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    (table,) = ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]
    assert table["Routes"] == [
        {
            "DestinationCidrBlock": "10.0.0.0/16",
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
    ]
    (group,) = ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
    assert group["GroupName"] == "default"
    named = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["lab"]}])["Vpcs"]
    assert [v["VpcId"] for v in named] == [vpc["VpcId"]]


@pytest.mark.parametrize(
    ("cidr", "code", "message"),
    [
        ("10.0.0.0/8", "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."),
        ("10.0.0.0/29", "InvalidVpc.Range", "The CIDR '10.0.0.0/29' is invalid."),
        (
            "10.0.0/16",
            "InvalidParameterValue",
            "Value (10.0.0/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
        ),
        (
            "banana",
            "InvalidParameterValue",
            "Value (banana) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
        ),
    ],
)
def test_a_vpc_block_must_be_16_to_28(ec2: Client, cidr: str, code: str, message: str) -> None:
    with aws_error(code, message):
        ec2.create_vpc(CidrBlock=cidr)


def test_subnets_stay_inside_their_vpc_and_apart(ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")
    assert subnet["Subnet"]["AvailabilityZone"] == "us-east-1b"
    assert subnet["Subnet"]["AvailabilityZoneId"] == "use1-az2"
    assert subnet["Subnet"]["AvailableIpAddressCount"] == 251
    assert subnet["Subnet"]["DefaultForAz"] is False
    with aws_error(
        "InvalidSubnet.Conflict", "The CIDR '10.0.1.128/25' conflicts with another subnet"
    ):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.128/25")
    with aws_error("InvalidSubnet.Range", "The CIDR '10.1.0.0/24' is invalid."):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")
    with aws_error("InvalidSubnet.Range", "The CIDR '10.0.2.0/29' is invalid."):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/29")
    with aws_error("InvalidParameterValue"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1q")
    with aws_error("InvalidVpcID.Malformed", 'Invalid id: "vpc" (expecting "vpc-...")'):
        ec2.create_subnet(VpcId="vpc", CidrBlock="10.0.3.0/24")
    with aws_error("InvalidVpcID.NotFound", "The vpc ID 'vpc-12345678' does not exist"):
        ec2.create_subnet(VpcId="vpc-12345678", CidrBlock="10.0.3.0/24")
    by_vpc = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [s["CidrBlock"] for s in by_vpc] == ["10.0.1.0/24"]


def test_a_vpc_with_dependencies_cannot_be_deleted(ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    message = f"The vpc '{vpc}' has dependencies and cannot be deleted."
    with aws_error("DependencyViolation", message):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_subnet(SubnetId=subnet)
    group = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
    with aws_error("DependencyViolation", message):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_security_group(GroupId=group)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    with aws_error("DependencyViolation", message):
        ec2.delete_vpc(VpcId=vpc)
    with aws_error(
        "DependencyViolation",
        f"The internetGateway '{igw}' has dependencies and cannot be deleted.",
    ):
        ec2.delete_internet_gateway(InternetGatewayId=igw)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.describe_vpcs(VpcIds=[vpc])
    # Its main route table and default group went with it.
    assert all(t["VpcId"] != vpc for t in ec2.describe_route_tables()["RouteTables"])
    assert all(g["VpcId"] != vpc for g in ec2.describe_security_groups()["SecurityGroups"])


def test_the_default_vpc_can_be_taken_apart(ec2: Client) -> None:
    vpc = default_vpc(ec2)["VpcId"]
    for subnet in ec2.describe_subnets()["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    (igw,) = ec2.describe_internet_gateways()["InternetGateways"]
    ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_vpcs()["Vpcs"] == []
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"] == [{"AttributeValue": "none"}]
    with aws_error("VPCIdNotSpecified", "No default VPC for this user"):
        ec2.create_security_group(GroupName="g", Description="g")


def test_internet_gateway_attachment_rules(ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    assert igw.startswith("igw-") and len(igw) == 21
    with aws_error("Gateway.NotAttached", f"resource {igw} is not attached to network {vpc}"):
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    with aws_error(
        "Resource.AlreadyAssociated", f"resource {igw} is already attached to network {vpc}"
    ):
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    attached = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}]
    )["InternetGateways"]
    assert [g["InternetGatewayId"] for g in attached] == [igw]
    with aws_error("InvalidInternetGatewayId.Malformed"):
        ec2.delete_internet_gateway(InternetGatewayId="gw-1")


def test_route_tables_routes_and_associations(ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    with aws_error("RouteAlreadyExists", "The route identified by 0.0.0.0/0 already exists."):
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    association = ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)["AssociationId"]
    assert association.startswith("rtbassoc-")
    found = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [table]
    with aws_error(
        "DependencyViolation", f"The routeTable '{table}' has dependencies and cannot be deleted."
    ):
        ec2.delete_route_table(RouteTableId=table)


def test_security_groups_names_rules_and_errors(ec2: Client) -> None:
    vpc = default_vpc(ec2)["VpcId"]
    group = ec2.create_security_group(
        GroupName="packer",
        Description="temporary",
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "k", "Value": "v"}]}
        ],
    )
    gid = group["GroupId"]
    assert gid.startswith("sg-") and len(gid) == 20
    assert group["Tags"] == [{"Key": "k", "Value": "v"}]
    with aws_error(
        "InvalidGroup.Duplicate", f"The security group 'packer' already exists for VPC '{vpc}'"
    ):
        ec2.create_security_group(GroupName="packer", Description="again")
    with aws_error("InvalidGroup.Reserved", "The security group 'default' is reserved"):
        ec2.create_security_group(GroupName="default", Description="x")
    with aws_error(
        "InvalidParameterValue",
        "Value (sg-web) for parameter GroupName is invalid. Group names may not be in the"
        " format sg-*.",
    ):
        ec2.create_security_group(GroupName="sg-web", Description="x")
    # The same name in another VPC is another group.
    other = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_security_group(GroupName="packer", Description="t", VpcId=other)

    # Packer's call: the flat form.
    added = ec2.authorize_security_group_ingress(
        GroupId=gid, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="0.0.0.0/0"
    )["SecurityGroupRules"]
    assert added[0]["SecurityGroupRuleId"].startswith("sgr-")
    with aws_error(
        "InvalidPermission.Duplicate",
        'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already'
        " exists",
    ):
        ec2.authorize_security_group_ingress(
            GroupId=gid,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
    ec2.authorize_security_group_ingress(
        GroupId=gid,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}],
                "UserIdGroupPairs": [{"GroupId": gid}],
            }
        ],
    )
    (described,) = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"]
    https = next(p for p in described["IpPermissions"] if p.get("FromPort") == 443)
    assert https["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "office"}]
    assert https["UserIdGroupPairs"] == [{"GroupId": gid, "UserId": A}]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])
    assert len(rules["SecurityGroupRules"]) == 4  # ssh, https x2, the egress rule
    by_port = ec2.describe_security_groups(
        Filters=[{"Name": "ip-permission.from-port", "Values": ["22"]}]
    )["SecurityGroups"]
    assert [g["GroupId"] for g in by_port] == [gid]

    with aws_error(
        "InvalidPermission.NotFound", "The specified rule does not exist in this security group."
    ):
        ec2.revoke_security_group_ingress(
            GroupId=gid, IpProtocol="tcp", FromPort=23, ToPort=23, CidrIp="0.0.0.0/0"
        )
    ec2.revoke_security_group_ingress(
        GroupId=gid, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="0.0.0.0/0"
    )
    with aws_error("InvalidParameterValue"):
        ec2.authorize_security_group_ingress(GroupId=gid, IpProtocol="tcp", CidrIp="0.0.0.0/0")
    with aws_error("InvalidParameterValue"):
        ec2.authorize_security_group_ingress(
            GroupId=gid, IpProtocol="banana", FromPort=1, ToPort=2, CidrIp="0.0.0.0/0"
        )
    egress = ec2.authorize_security_group_egress(
        GroupId=gid,
        IpPermissions=[
            {
                "IpProtocol": "udp",
                "FromPort": 53,
                "ToPort": 53,
                "IpRanges": [{"CidrIp": "10.0.0.2/32"}],
            }
        ],
    )["SecurityGroupRules"]
    ec2.revoke_security_group_egress(
        GroupId=gid, SecurityGroupRuleIds=[egress[0]["SecurityGroupRuleId"]]
    )
    with aws_error("InvalidGroupId.Malformed", 'Invalid id: "web" (expecting "sg-...")'):
        ec2.describe_security_groups(GroupIds=["web"])
    with aws_error("InvalidGroup.NotFound", "The security group 'sg-12345678' does not exist"):
        ec2.describe_security_groups(GroupIds=["sg-12345678"])
    (by_name,) = ec2.describe_security_groups(GroupNames=["packer"])["SecurityGroups"]
    assert by_name["GroupId"] == gid
    with aws_error(
        "InvalidGroup.NotFound", f"The security group 'nope' does not exist in default VPC '{vpc}'"
    ):
        ec2.describe_security_groups(GroupNames=["nope"])
    with aws_error("MissingParameter", "The request must contain the parameter GroupDescription"):
        ec2.create_security_group(GroupName="nodesc", Description="")


def test_groups_in_use_and_the_default_group_cannot_be_deleted(ec2: Client) -> None:
    (default,) = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    with aws_error(
        "CannotDelete",
        f'the specified group: "{default["GroupId"]}" name: "default" cannot be deleted by a user',
    ):
        ec2.delete_security_group(GroupId=default["GroupId"])
    target = ec2.create_security_group(GroupName="target", Description="t")["GroupId"]
    source = ec2.create_security_group(GroupName="source", Description="s")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=source,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": target}]}],
    )
    with aws_error("DependencyViolation", f"resource {target} has a dependent object"):
        ec2.delete_security_group(GroupId=target)
    image = register_image_from_snapshot(ec2)
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SecurityGroupIds=[source])[
        "Instances"
    ][0]["InstanceId"]
    with aws_error("DependencyViolation", f"resource {source} has a dependent object"):
        ec2.delete_security_group(GroupId=source)
    ec2.terminate_instances(InstanceIds=[instance])
    assert ec2.delete_security_group(GroupName="source")["GroupId"] == source
    ec2.delete_security_group(GroupId=target)


def test_run_instances_places_in_the_first_zones_default_subnet(ec2: Client) -> None:
    image = register_image_from_snapshot(ec2)
    vpc = default_vpc(ec2)["VpcId"]
    (default_group,) = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    (instance,) = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
    assert instance["VpcId"] == vpc
    assert instance["Placement"]["AvailabilityZone"] == "us-east-1a"
    assert instance["PrivateIpAddress"] == "172.31.0.4"
    assert instance["PrivateDnsName"] == "ip-172-31-0-4.ec2.internal"
    assert instance["SecurityGroups"] == [
        {"GroupId": default_group["GroupId"], "GroupName": "default"}
    ]
    (nic,) = instance["NetworkInterfaces"]
    assert nic["NetworkInterfaceId"].startswith("eni-") and len(nic["NetworkInterfaceId"]) == 21
    assert nic["SubnetId"] == instance["SubnetId"] and nic["Attachment"]["DeviceIndex"] == 0
    (subnet,) = ec2.describe_subnets(SubnetIds=[instance["SubnetId"]])["Subnets"]
    assert subnet["AvailabilityZone"] == "us-east-1a" and subnet["AvailableIpAddressCount"] == 4090
    two = ec2.run_instances(
        ImageId=image, MinCount=2, MaxCount=2, Placement={"AvailabilityZone": "us-east-1b"}
    )["Instances"]
    assert [i["PrivateIpAddress"] for i in two] == ["172.31.16.4", "172.31.16.5"]


def test_run_instances_with_subnet_groups_key_and_address(ec2: Client) -> None:
    image = register_image_from_snapshot(ec2)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.5.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="app", Description="a", VpcId=vpc)["GroupId"]
    ec2.create_key_pair(KeyName="deploy")
    launch = {"ImageId": image, "MinCount": 1, "MaxCount": 1, "SubnetId": subnet}
    (instance,) = ec2.run_instances(
        **launch, SecurityGroupIds=[group], KeyName="deploy", PrivateIpAddress="10.0.5.20"
    )["Instances"]
    assert instance["PrivateIpAddress"] == "10.0.5.20"
    assert instance["KeyName"] == "deploy"
    assert instance["SecurityGroups"] == [{"GroupId": group, "GroupName": "app"}]
    with aws_error("InvalidIPAddress.InUse", "Address 10.0.5.20 is in use."):
        ec2.run_instances(**launch, SecurityGroupIds=[group], PrivateIpAddress="10.0.5.20")
    with aws_error(
        "InvalidParameterValue", "Address 10.0.9.1 does not fall within the subnet's address range"
    ):
        ec2.run_instances(**launch, SecurityGroupIds=[group], PrivateIpAddress="10.0.9.1")
    with aws_error("InvalidKeyPair.NotFound", "The key pair 'missing' does not exist"):
        ec2.run_instances(**launch, KeyName="missing")
    (default_group,) = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    with aws_error(
        "InvalidParameter",
        f"Security group {default_group['GroupId']} and subnet {subnet} belong to different"
        " networks.",
    ):
        ec2.run_instances(**launch, SecurityGroupIds=[default_group["GroupId"]])
    with aws_error(
        "InvalidParameterCombination",
        "The parameter groupName cannot be used with the parameter subnet",
    ):
        ec2.run_instances(**launch, SecurityGroups=["app"])
    with aws_error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-12345678' does not exist"):
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId="subnet-12345678")
    with aws_error(
        "DependencyViolation", f"The subnet '{subnet}' has dependencies and cannot be deleted."
    ):
        ec2.delete_subnet(SubnetId=subnet)

    def ids(name: str, value: str) -> list[str]:
        reply = ec2.describe_instances(Filters=[{"Name": name, "Values": [value]}])
        return [i["InstanceId"] for r in reply["Reservations"] for i in r["Instances"]]

    me = [instance["InstanceId"]]
    assert ids("subnet-id", subnet) == me
    assert ids("vpc-id", vpc) == me
    assert ids("instance.group-id", group) == me
    assert ids("key-name", "deploy") == me
    assert ids("private-ip-address", "10.0.5.20") == me
    assert ids("availability-zone", "us-east-1a") == me
    assert ids("availability-zone-id", "use1-az1") == me
    assert ids("network-interface.subnet-id", subnet) == me
    assert ids("subnet-id", "subnet-00000000") == []
    ec2.terminate_instances(InstanceIds=me)
    (gone,) = ec2.describe_instances(InstanceIds=me)["Reservations"][0]["Instances"]
    assert gone["NetworkInterfaces"] == [] and "PrivateIpAddress" not in gone
    ec2.delete_subnet(SubnetId=subnet)


def test_run_instances_reads_the_first_network_interface(ec2: Client) -> None:
    image = register_image_from_snapshot(ec2)
    subnet = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])[2]
    group = ec2.create_security_group(GroupName="packer", Description="p")["GroupId"]
    (instance,) = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet["SubnetId"],
                "Groups": [group],
                "AssociatePublicIpAddress": True,
            }
        ],
    )["Instances"]
    assert instance["SubnetId"] == subnet["SubnetId"]
    assert instance["Placement"]["AvailabilityZone"] == "us-east-1c"
    assert instance["SecurityGroups"] == [{"GroupId": group, "GroupName": "packer"}]


def test_describe_subnets_pages(ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(7):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")
    seen, token = [], None
    while True:
        page = ec2.describe_subnets(MaxResults=5, **({"NextToken": token} if token else {}))
        seen += [s["SubnetId"] for s in page["Subnets"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 10
    with aws_error("InvalidParameterCombination"):
        ec2.describe_subnets(SubnetIds=[seen[0]], MaxResults=5)


def test_network_tags_are_per_account(aws: ClientFactory, ec2: Client) -> None:
    vpc = default_vpc(ec2)["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "main"}])
    assert default_vpc(ec2)["Tags"] == [{"Key": "Name", "Value": "main"}]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["vpc"]}])["Tags"]
    assert [(t["ResourceId"], t["Value"]) for t in tags] == [(vpc, "main")]
    other = aws("ec2", account=B, region=REGION)
    with aws_error("InvalidVpcID.NotFound"):
        other.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "theirs"}])


def test_the_network_survives_a_snapshot(server: RunningServer, ec2: Client) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    image = register_image_from_snapshot(ec2)
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)
    saved = state(server)
    request = urllib.request.Request(
        f"{server.url}/_emulator/state",
        data=json.dumps(saved).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).read()
    (after,) = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"]
    assert after["AvailableIpAddressCount"] == 250
    (second,) = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ]
    assert second["PrivateIpAddress"] == "10.0.0.5"


def test_packers_network_steps_in_order(aws: ClientFactory, ec2: Client) -> None:
    """amazon-ebs before and after the build: find where to launch, make a temporary key and
    group, launch, and clean up."""
    image = register_image_from_snapshot(ec2)
    assert "us-east-1" in {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "state", "Values": ["available"]},
        ]
    )["Subnets"]
    subnet = max(subnets, key=lambda s: (s["AvailableIpAddressCount"], s["SubnetId"]))
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}],
    )["InstanceTypeOfferings"]
    assert subnet["AvailabilityZone"] in {o["Location"] for o in offers}
    key = ec2.create_key_pair(KeyName="packer_6571e9b1")
    group = ec2.create_security_group(
        GroupName="packer_6571e9b1", Description="Temporary group for Packer", VpcId=vpc["VpcId"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    (instance,) = ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        KeyName=key["KeyName"],
        SecurityGroupIds=[group],
        SubnetId=subnet["SubnetId"],
    )["Instances"]
    (described,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0][
        "Instances"
    ]
    assert described["SubnetId"] == subnet["SubnetId"] and described["KeyName"] == key["KeyName"]
    assert described["Placement"]["AvailabilityZone"] == subnet["AvailabilityZone"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    ec2.delete_key_pair(KeyName=key["KeyName"])
    ec2.delete_security_group(GroupId=group)
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    assert [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]] == ["default"]


def test_ansibles_ec2_instance_lookups(ec2: Client) -> None:
    """amazon.aws.ec2_instance: instances by subnet and state, groups by name in the VPC."""
    image = register_image_from_snapshot(ec2)
    (subnet,) = ec2.describe_subnets(
        Filters=[
            {"Name": "default-for-az", "Values": ["true"]},
            {"Name": "availability-zone", "Values": ["us-east-1b"]},
        ]
    )["Subnets"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet["SubnetId"])
    found = ec2.describe_instances(
        Filters=[
            {"Name": "subnet-id", "Values": [subnet["SubnetId"]]},
            {
                "Name": "instance-state-name",
                "Values": ["pending", "running", "stopping", "stopped"],
            },
        ]
    )["Reservations"]
    assert len(found) == 1
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [subnet["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    assert len(groups) == 1
