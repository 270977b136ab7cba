"""The S3 side of an offsite repository, through boto3: bucket, keys, versioning, Object Lock.

restic only says "cannot open the repository"; boto3 tells apart a wrong
endpoint, wrong keys and a missing bucket, and shows whether the bucket
keeps old object versions or locks them (what protects backups from
ransomware that deletes them with stolen keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opskit.backup.repository import Secrets
from opskit.config.schema import Repository
from opskit.errors import OpskitError
from opskit.text import Message

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 15
WRONG_KEY_CODES = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId")
MISSING_CODES = ("404", "NoSuchBucket", "NotFound")


class S3Error(OpskitError):
    """The bucket cannot be used; the message says why."""

    kind = "s3"


@dataclass(frozen=True)
class BucketState:
    bucket: str
    created: bool
    versioning: str  # Enabled, Suspended or Off
    object_lock: bool
    object_lock_mode: str | None = None
    object_lock_days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "created": self.created,
            "versioning": self.versioning,
            "object_lock": self.object_lock,
            "object_lock_mode": self.object_lock_mode,
            "object_lock_days": self.object_lock_days,
        }


def client(repository: Repository, secrets: Secrets) -> Any:
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        endpoint_url=repository.endpoint,
        region_name=repository.region,
        aws_access_key_id=secrets.access_key_id,
        aws_secret_access_key=secrets.secret_access_key,
        config=BotoConfig(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    )


def inspect_bucket(repository: Repository, secrets: Secrets, *, create: bool) -> BucketState:
    """Check (and with ``create`` make) the bucket; raises S3Error with a clear reason."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    s3 = client(repository, secrets)
    bucket = repository.bucket or ""
    where = Message(
        "backup.s3.where", repository=repository.name, endpoint=repository.endpoint, bucket=bucket
    )
    created = False
    try:
        try:
            s3.head_bucket(Bucket=bucket)
        except ClientError as error:
            code = _code(error)
            if code not in MISSING_CODES:
                raise
            if not create:
                raise S3Error(
                    Message("backup.s3.missing", where=where),
                    details=[
                        "create it with `opskit backup init "
                        f"{repository.name} --create-bucket`, or fix bucket: in the config"
                    ],
                ) from None
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            created = True
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status") or "Off"
        lock, mode, days = _object_lock(s3, bucket)
    except EndpointConnectionError:
        raise S3Error(Message("backup.s3.unreachable", where=where)) from None
    except ClientError as error:
        code = _code(error)
        if code in WRONG_KEY_CODES:
            raise S3Error(Message("backup.s3.wrong_keys", where=where), [code]) from None
        if code in ("403", "AccessDenied") and _keys_refused(s3):
            raise S3Error(Message("backup.s3.wrong_keys", where=where)) from None
        if code in ("403", "AccessDenied"):
            raise S3Error(Message("backup.s3.denied", where=where)) from None
        raise S3Error(
            Message("backup.s3.other", where=where, code=code, detail=str(error))
        ) from None
    except BotoCoreError as error:
        other = Message(
            "backup.s3.other", where=where, code=type(error).__name__, detail=str(error)
        )
        raise S3Error(other) from None
    return BucketState(bucket, created, versioning, lock, mode, days)


def _object_lock(s3: Any, bucket: str) -> tuple[bool, str | None, int | None]:
    from botocore.exceptions import ClientError

    try:
        answer = s3.get_object_lock_configuration(Bucket=bucket)
    except ClientError as error:
        if "ObjectLockConfigurationNotFound" in _code(error) or _code(error) in ("404",):
            return False, None, None
        raise
    configuration = answer.get("ObjectLockConfiguration") or {}
    enabled = configuration.get("ObjectLockEnabled") == "Enabled"
    retention = (configuration.get("Rule") or {}).get("DefaultRetention") or {}
    return enabled, retention.get("Mode"), retention.get("Days")


def _keys_refused(s3: Any) -> bool:
    """Whether the keys themselves are refused (a HEAD answer has no error code to tell)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        s3.list_buckets()
    except ClientError as error:
        return _code(error) in WRONG_KEY_CODES
    except BotoCoreError:
        return False
    return False


def _code(error: Any) -> str:
    return str((getattr(error, "response", {}) or {}).get("Error", {}).get("Code", ""))
