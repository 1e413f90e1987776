"""The services part of the demo estate; build_estate.py calls build() last.

Owned by the services collector's work; returns what it built for tests to read.

moto quirks met here:
- Rotating a secret with a Lambda needs moto's Lambda without Docker, switched on through
  POST /moto-api/config; the function is then "invoked" without running its code.
- AWS Backup: CreateBackupSelection, ListBackupSelections and ListProtectedResources are not
  implemented, so the plan has no selection here (fixtures/real-shapes covers selections).
- DMS DescribeReplicationTasks returns ISO-8601 dates where the JSON protocol has epoch
  seconds, which the SDK cannot read: the task is built so that the test sees it unknown.
- CloudFormation can create RDS parameter and subnet groups (both reported with an empty
  PhysicalResourceId) and DB instances; only a parameter group is made here, so that the demo's
  databases and subnet groups stay what build_estate.py made.
"""

import io
import json
import urllib.request
import zipfile

PRIMARY = "us-east-1"
DR = "eu-west-1"

# Later tests scan rds-evidence output for these values: they must never leak.
APP_USER_SECRET = "App-Secret-Value-Do-Not-Leak!"
DEV_ADMIN_SECRET = "Dev-Admin-Secret-Do-Not-Leak!"


def use_lambda_without_docker(client):
    request = urllib.request.Request(
        client.meta.endpoint_url + "/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def create_rotation_function(clients):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }],
    }
    role_arn = clients("iam").create_role(
        RoleName="secret-rotation-role", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("rotate.py", "def handler(event, context):\n    return None\n")
    return clients("lambda").create_function(
        FunctionName="prod-postgres-rotation",
        Runtime="python3.12",
        Role=role_arn,
        Handler="rotate.handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]


def build_secrets(clients, estate):
    """A rotating app-user secret for prod-postgres, a non-rotating admin secret for dev-mysql,
    and a secret of no database, which the collector must leave out. prod-aurora's secret is
    RDS-managed (ManageMasterUserPassword in build_estate.py)."""
    sm = clients("secretsmanager")
    use_lambda_without_docker(sm)
    rotation_arn = create_rotation_function(clients)

    app_user = sm.create_secret(
        Name="prod-postgres/app-user",
        KmsKeyId=estate["kms_keys"]["prod-key"],
        SecretString=json.dumps({"username": "app", "password": APP_USER_SECRET}),
        Tags=[{"Key": "rds-db", "Value": "prod-postgres"}, {"Key": "Environment", "Value": "prod"}],
    )["ARN"]
    sm.rotate_secret(
        SecretId=app_user,
        RotationLambdaARN=rotation_arn,
        RotationRules={"AutomaticallyAfterDays": 30},
    )
    dev_admin = sm.create_secret(
        Name="dev-mysql/admin",
        SecretString=json.dumps({"username": "admin", "password": DEV_ADMIN_SECRET}),
        Tags=[{"Key": "rds-db", "Value": "dev-mysql"}, {"Key": "Environment", "Value": "dev"}],
    )["ARN"]
    unrelated = sm.create_secret(
        Name="payments/api-token", SecretString="not-a-database-secret"
    )["ARN"]
    return {
        "prod-postgres/app-user": app_user,
        "dev-mysql/admin": dev_admin,
        "payments/api-token": unrelated,
    }, rotation_arn


def build_backup(clients, estate):
    """rds-daily: daily to a locked, customer-key vault with 35-day retention and a copy to a DR
    vault in eu-west-1."""
    dr_vault_arn = clients("backup", DR).create_backup_vault(
        BackupVaultName="rds-dr-vault", EncryptionKeyArn=estate["kms_keys"]["dr-key"]
    )["BackupVaultArn"]
    backup = clients("backup")
    vault_arn = backup.create_backup_vault(
        BackupVaultName="rds-vault", EncryptionKeyArn=estate["kms_keys"]["prod-key"]
    )["BackupVaultArn"]
    backup.put_backup_vault_lock_configuration(
        BackupVaultName="rds-vault", MinRetentionDays=7, MaxRetentionDays=365
    )
    plan_id = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "rds-daily",
            "Rules": [{
                "RuleName": "daily",
                "TargetBackupVaultName": "rds-vault",
                "ScheduleExpression": "cron(0 5 ? * * *)",
                "Lifecycle": {"DeleteAfterDays": 35},
                "CopyActions": [{
                    "DestinationBackupVaultArn": dr_vault_arn,
                    "Lifecycle": {"DeleteAfterDays": 35},
                }],
            }],
        }
    )["BackupPlanId"]
    return {
        "plans": {"rds-daily": plan_id},
        "vaults": {"rds-vault": vault_arn, "rds-dr-vault": dr_vault_arn},
    }


def build_autoscaling(clients):
    scaling = clients("application-autoscaling")
    target = {
        "ServiceNamespace": "rds",
        "ResourceId": "cluster:prod-aurora",
        "ScalableDimension": "rds:cluster:ReadReplicaCount",
    }
    scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=4)
    scaling.put_scaling_policy(
        PolicyName="prod-aurora-reader-cpu",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "RDSReaderAverageCPUUtilization"
            },
        },
        **target,
    )
    return {"cluster:prod-aurora": ["prod-aurora-reader-cpu"]}


def build_stacks(clients, estate):
    """demo-db-stack owns an RDS parameter group and a security group in demo-vpc; the security
    group carries the aws:cloudformation:stack-name tag CloudFormation puts on what it makes,
    which is how the collector finds the stack (moto tags EC2 resources so, not RDS ones).
    demo-queue-stack owns only a queue and is named by nothing the databases use: the collector
    never reads it. (A subnet group would join the region's subnet-group listing, which the
    other parts of the demo describe.)"""
    db_stack = {
        "Resources": {
            "DbParameters": {
                "Type": "AWS::RDS::DBParameterGroup",
                "Properties": {
                    "Family": "postgres16",
                    "Description": "Managed by demo-db-stack",
                    "Parameters": {"rds.force_ssl": "1"},
                },
            },
            "DbSecurityGroup": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "Managed by demo-db-stack",
                    "VpcId": estate["vpcs"]["demo-vpc"],
                },
            },
        }
    }
    queue_stack = {"Resources": {"Events": {"Type": "AWS::SQS::Queue", "Properties": {}}}}
    cfn = clients("cloudformation")
    db_stack_id = cfn.create_stack(
        StackName="demo-db-stack", TemplateBody=json.dumps(db_stack)
    )["StackId"]
    security_group = next(
        r["PhysicalResourceId"]
        for r in cfn.describe_stack_resources(StackName="demo-db-stack")["StackResources"]
        if r["LogicalResourceId"] == "DbSecurityGroup"
    )
    return {
        "demo-db-stack": {"id": db_stack_id, "security_group": security_group},
        "demo-queue-stack": {
            "id": cfn.create_stack(
                StackName="demo-queue-stack", TemplateBody=json.dumps(queue_stack)
            )["StackId"]
        },
    }


def build_logs(clients):
    """RDS log groups as log exports create them: one kept a year, one only a week."""
    logs = clients("logs")
    kept = {
        "/aws/rds/instance/prod-postgres/postgresql": 365,
        "/aws/rds/instance/prod-postgres/upgrade": 7,
    }
    for name, days in kept.items():
        logs.create_log_group(logGroupName=name)
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    # Not an RDS log group: the collector must not read it.
    logs.create_log_group(logGroupName="/app/orders")
    return kept


def build_migration(clients):
    """A DMS full load with CDC from an on-premises Oracle database into prod-postgres."""
    dms = clients("dms")
    address = clients("rds").describe_db_instances(DBInstanceIdentifier="prod-postgres")[
        "DBInstances"
    ][0]["Endpoint"]["Address"]
    source = dms.create_endpoint(
        EndpointIdentifier="erp-oracle-source",
        EndpointType="source",
        EngineName="oracle",
        ServerName="erp-db.corp.example.com",
        Port=1521,
        DatabaseName="ORDERS",
        Username="dms_reader",
    )["Endpoint"]["EndpointArn"]
    target = dms.create_endpoint(
        EndpointIdentifier="prod-postgres-target",
        EndpointType="target",
        EngineName="postgres",
        ServerName=address,
        Port=5432,
        DatabaseName="orders",
        Username="dms_writer",
    )["Endpoint"]["EndpointArn"]
    instance = dms.create_replication_instance(
        ReplicationInstanceIdentifier="erp-migration",
        ReplicationInstanceClass="dms.t3.medium",
    )["ReplicationInstance"]["ReplicationInstanceArn"]
    task = dms.create_replication_task(
        ReplicationTaskIdentifier="erp-oracle-to-prod-postgres",
        SourceEndpointArn=source,
        TargetEndpointArn=target,
        ReplicationInstanceArn=instance,
        MigrationType="full-load-and-cdc",
        TableMappings=json.dumps({"rules": []}),
    )["ReplicationTask"]["ReplicationTaskArn"]
    return {"task": task, "target_server": address}


def build(clients, account_id, estate):
    """Builds the services resources. `estate` is what build_estate.py built so far."""
    secrets, rotation_arn = build_secrets(clients, estate)
    # One key, so that nothing collides with what the other parts return.
    return {
        "services": {
            "secrets": secrets,
            "secret_rotation_lambda": rotation_arn,
            "secret_values_never_to_leak": [APP_USER_SECRET, DEV_ADMIN_SECRET],
            "backup": build_backup(clients, estate),
            "scalable_targets": build_autoscaling(clients),
            "stacks": build_stacks(clients, estate),
            "log_groups": build_logs(clients),
            "migration": build_migration(clients),
        }
    }
