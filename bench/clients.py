"""boto3 clients for a system under test, one per (service, account), made once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from bench.systems import REGION, SECRET, System

# No retries: a slow or failed call must show as such. Large pools for the builder threads.
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=16)


class Clients:
    def __init__(self, system: System) -> None:
        self.system = system
        self._made: dict[tuple[str, str], Any] = {}
        # boto3's default session may not make clients from two threads at once.
        self._lock = threading.Lock()

    def __call__(self, service: str, account: str) -> Any:
        key = (service, account)
        with self._lock:
            if key not in self._made:
                self._made[key] = self._make(service, account)
        return self._made[key]

    def _make(self, service: str, account: str) -> Any:
        client = boto3.client(
            service,
            endpoint_url=self.system.url,
            region_name=REGION,
            aws_access_key_id=account,
            aws_secret_access_key=SECRET,
            config=CONFIG,
        )
        extra = self.system.account_headers(account)
        if extra:
            client.meta.events.register("before-sign.*.*", _add_headers(extra))
        return client


def _add_headers(extra: dict[str, str]) -> Callable[..., None]:
    def handler(request: Any, **_: Any) -> None:
        for name, value in extra.items():
            request.headers[name] = value

    return handler
