"""Reads back, with boto3, what silver's EC2 provider made on a moto server, so that the
Swift tests check it through a client that is not silver's own.

    moto_reader.py setup-iam ENDPOINT            make a user with an access key; print it
    moto_reader.py describe ENDPOINT NODESET     instances, key pair and groups, as JSON
    moto_reader.py stop ENDPOINT INSTANCE_ID     stop an instance
    moto_reader.py import-key ENDPOINT NAME KEY  import a key pair

Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment.
"""
import json
import sys

import boto3


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def setup_iam(endpoint):
    iam = client("iam", endpoint)
    iam.create_user(UserName="silver")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName="silver", PolicyName="everything", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="silver")["AccessKey"]
    return {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}


def describe(endpoint, nodeset):
    ec2 = client("ec2", endpoint)
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:silver:nodeset", "Values": [nodeset]}])
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"silver-{nodeset}-*"]}]
    )["SecurityGroups"]
    names = {group["GroupId"]: group["GroupName"] for group in groups}
    instances = []
    for reservation in reservations["Reservations"]:
        for instance in reservation["Instances"]:
            instances.append({
                "id": instance["InstanceId"],
                "state": instance["State"]["Name"],
                "type": instance["InstanceType"],
                "image": instance["ImageId"],
                "key": instance.get("KeyName"),
                "groups": sorted(group["GroupName"] for group in instance.get("SecurityGroups", [])),
                "tags": {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])},
                "public_ip": instance.get("PublicIpAddress"),
                "private_ip": instance.get("PrivateIpAddress"),
            })
    rules = {}
    for group in groups:
        entries = []
        for permission in group["IpPermissions"]:
            port = permission.get("FromPort")
            for r in permission.get("IpRanges", []):
                entries.append(f"{permission['IpProtocol']}/{port} {r['CidrIp']}")
            for r in permission.get("Ipv6Ranges", []):
                entries.append(f"{permission['IpProtocol']}/{port} {r['CidrIpv6']}")
            for r in permission.get("UserIdGroupPairs", []):
                entries.append(f"{permission['IpProtocol']}/{port} {names.get(r['GroupId'], r['GroupId'])}")
        rules[group["GroupName"]] = sorted(entries)
    try:
        pairs = ec2.describe_key_pairs(KeyNames=[f"silver-{nodeset}"])["KeyPairs"]
    except ec2.exceptions.ClientError:
        pairs = []
    return {
        "instances": sorted(instances, key=lambda i: (i["tags"].get("Name", ""), i["id"])),
        "security_groups": rules,
        "key_pairs": [pair["KeyName"] for pair in pairs],
    }


def main():
    command, endpoint = sys.argv[1], sys.argv[2]
    if command == "setup-iam":
        result = setup_iam(endpoint)
    elif command == "describe":
        result = describe(endpoint, sys.argv[3])
    elif command == "stop":
        client("ec2", endpoint).stop_instances(InstanceIds=[sys.argv[3]])
        result = {}
    elif command == "import-key":
        client("ec2", endpoint).import_key_pair(KeyName=sys.argv[3], PublicKeyMaterial=sys.argv[4].encode())
        result = {}
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout)


main()
