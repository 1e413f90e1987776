"""The governance part of the demo estate; build_estate.py calls build() last.

Owned by the governance collector's work; returns what it built for tests to read.

Two trails in the primary region, each delivering to its own bucket:
- org-audit-trail: multi-region, log file validation, a KMS key, logging; its bucket is
  versioned, fully blocked from public access, AES256-encrypted by default, and has the
  bucket policy CloudTrail needs to write.
- dev-trail: single-region, no validation, not logging, write-only management events (an
  advanced selector); its bucket has no versioning, no public access block, no default
  encryption (moto creates buckets without one; AWS encrypts new buckets with AES256) and no
  policy.

moto 5.2.5 answers GetBucketVersioning with the root element GetBucketVersioningResponse
instead of VersioningConfiguration: boto3 accepts it, the Rust SDK does not, so the collector
records bucket versioning as unknown against moto (real-shapes covers the real answer).

A security alternate contact (billing and operations are left unset). moto does not serve
the primary contact (GetContactInformation): the real-shapes fixture covers it.
"""

import json

PRIMARY = "us-east-1"


def cloudtrail_bucket_policy(bucket, account_id, trail_arn):
    """The documented policy that lets CloudTrail check the ACL of and write to `bucket`."""
    source = {"aws:SourceArn": trail_arn}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{bucket}",
                    "Condition": {"StringEquals": source},
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
                    "Condition": {
                        "StringEquals": {
                            "s3:x-amz-acl": "bucket-owner-full-control",
                            **source,
                        }
                    },
                },
            ],
        }
    )


def build_audit_trail(clients, account_id):
    s3 = clients("s3", PRIMARY)
    cloudtrail = clients("cloudtrail", PRIMARY)
    bucket = f"demo-cloudtrail-logs-{account_id}"
    name = "org-audit-trail"
    trail_arn = f"arn:aws:cloudtrail:{PRIMARY}:{account_id}:trail/{name}"

    # us-east-1 takes no CreateBucketConfiguration.
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket=bucket, Policy=cloudtrail_bucket_policy(bucket, account_id, trail_arn)
    )

    key_arn = clients("kms", PRIMARY).create_key(
        Description="CloudTrail log encryption",
        Tags=[{"TagKey": "Name", "TagValue": "cloudtrail-key"}],
    )["KeyMetadata"]["Arn"]

    trail = cloudtrail.create_trail(
        Name=name,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_arn,
    )
    # moto reports no selectors for a new trail, where AWS reports this default one.
    cloudtrail.put_event_selectors(
        TrailName=name,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    cloudtrail.start_logging(Name=name)
    return trail["TrailARN"], bucket, key_arn


def build_dev_trail(clients, account_id):
    s3 = clients("s3", PRIMARY)
    cloudtrail = clients("cloudtrail", PRIMARY)
    bucket = f"demo-dev-trail-{account_id}"
    s3.create_bucket(Bucket=bucket)
    trail = cloudtrail.create_trail(
        Name="dev-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=False,
        EnableLogFileValidation=False,
    )
    # Write-only management events, in the advanced selector form.
    cloudtrail.put_event_selectors(
        TrailName="dev-trail",
        AdvancedEventSelectors=[
            {
                "Name": "Write management events",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                ],
            }
        ],
    )
    # Created trails do not log until started: this one is left stopped.
    return trail["TrailARN"], bucket


def build_security_contact(clients):
    """The collector must keep only the domain and whether a phone is set."""
    contact = {
        "AlternateContactType": "SECURITY",
        "EmailAddress": "secops@example.com",
        "Name": "Security Operations",
        "PhoneNumber": "+1-206-555-0100",
        "Title": "Security team",
    }
    clients("account", PRIMARY).put_alternate_contact(**contact)
    return contact


def build(clients, account_id, estate):
    """Builds the governance resources. `estate` is what build_estate.py built so far."""
    audit_arn, audit_bucket, audit_key = build_audit_trail(clients, account_id)
    dev_arn, dev_bucket = build_dev_trail(clients, account_id)
    security_contact = build_security_contact(clients)
    return {
        "trails": {"org-audit-trail": audit_arn, "dev-trail": dev_arn},
        "trail_buckets": {"org-audit-trail": audit_bucket, "dev-trail": dev_bucket},
        "trail_kms_key": audit_key,
        "security_contact": security_contact,
    }
