"""boto3 clients for the estate scripts: bound to the emulator, sealed off from the caller's
AWS configuration."""

import os
import threading

import boto3
from botocore.config import Config

DEFAULT_REGION = "us-east-1"


def isolate_from_caller_aws_config():
    """Drop every AWS_* variable and point the config files at /dev/null.

    Credentials, region and endpoint are all passed explicitly, so a profile, a credentials
    file or an AWS_ENDPOINT_URL_* variable in the caller's environment can neither break a
    script nor redirect it.
    """
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


class Clients:
    """boto3 clients bound to the emulator endpoint, one per (service, region).

    Clients may be shared by worker threads (a boto3 client is thread-safe, creating one from
    a session is not, hence the lock).
    """

    def __init__(self, endpoint_url, workers=1):
        self._endpoint_url = endpoint_url
        self._session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
            region_name=DEFAULT_REGION,
        )
        self._config = Config(
            proxies={},  # an explicit empty mapping disables HTTP(S)_PROXY lookup
            connect_timeout=5,
            read_timeout=60,
            retries={"mode": "standard", "max_attempts": 2},
            max_pool_connections=max(10, workers),
        )
        self._cache = {}
        self._lock = threading.Lock()

    def __call__(self, service, region=DEFAULT_REGION):
        key = (service, region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._session.client(
                    service,
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=self._config,
                )
            return self._cache[key]
