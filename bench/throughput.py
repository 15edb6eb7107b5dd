"""Raw HTTP throughput: keep-alive HTTP/1.1 connections, each in a thread, sending one
pre-signed request as fast as the server answers, for a bounded time."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.systems import HOST, System, signed_headers

MAX_SECONDS = 30.0
MAX_CONNECTIONS = 16
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@dataclass
class Rate:
    per_second: float
    failures: int  # answers other than 200
    reopened: int  # answers after which the server closed the connection


def describe_attribute_request(
    system: System, account: str, image_id: str
) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "Action": "DescribeImageAttribute",
            "Version": "2016-11-15",
            "ImageId": image_id,
            "Attribute": "launchPermission",
        }
    ).encode()
    headers = signed_headers(
        system.port, "ec2", body, account, FORM, system.account_headers(account)
    )
    return body, headers


def load(port: int, body: bytes, headers: dict[str, str], connections: int, seconds: float) -> Rate:
    connections = min(connections, MAX_CONNECTIONS)
    seconds = min(seconds, MAX_SECONDS)
    done = [0] * connections
    failed = [0] * connections
    closed = [0] * connections
    ready = threading.Barrier(connections + 1)
    deadline = [0.0]

    def client(slot: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        ready.wait()
        while time.perf_counter() < deadline[0]:
            conn.request("POST", "/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                done[slot] += 1
            else:
                failed[slot] += 1
            if response.will_close:
                # http.client would reconnect by itself; counting it shows keep-alive failing.
                closed[slot] += 1
                conn.close()
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - began
    return Rate(sum(done) / elapsed, sum(failed), sum(closed))
