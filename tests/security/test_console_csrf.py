"""The console's forms carry a per-session CSRF token and act as the account held in the
session; console and admin answers forbid framing, sniffing and inline script."""

from __future__ import annotations

import http.cookies
import json
import re
from typing import Any

import pytest

from emulator.core.world import World
from emulator.server import RunningServer
from emulator.web import create_app
from tests.security.conftest import Answer, send

AMI = "ami-0abcdef1234567890"
DEV = "111122223333"
OWNER = "123456789012"
CONSOLE = "/_emulator/console"
BPA = f"{CONSOLE}/settings/block-public-access"
EDITOR = f"{CONSOLE}/amis/{AMI}/permissions"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = pytest.mark.ami_scenario("demo")


class Browser:
    """Keeps the cookies a browser would, over raw HTTP."""

    def __init__(self, server: RunningServer) -> None:
        self.url = server.url
        self.cookies: dict[str, str] = {}
        self.set_cookie: list[str] = []

    def request(self, method: str, path: str, body: str = "", **headers: str) -> Answer:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = send(self.url, method, path, body, {**FORM, **headers} if body else headers)
        for line in answer.headers.get_all("Set-Cookie") or []:
            self.set_cookie.append(line)
            jar = http.cookies.SimpleCookie(line)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return answer

    def token(self, path: str = f"{CONSOLE}/amis") -> str:
        answer = self.request("GET", path)
        assert answer.status == 200
        return TOKEN.search(answer.body)[1]


def bpa(aws: Any, account: str = OWNER) -> str:
    return aws("ec2", account=account).get_image_block_public_access_state()[
        "ImageBlockPublicAccessState"
    ]


def shared(aws: Any) -> list[dict[str, str]]:
    answer = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    return answer["LaunchPermissions"]


def test_a_form_without_a_token_is_refused(server: RunningServer, aws: Any) -> None:
    browser = Browser(server)
    browser.token()  # a session exists, but the form below does not carry its token
    for path, body in (
        (BPA, "state=block-new-sharing"),
        (EDITOR, f"op=save&availability=private&accounts={DEV}"),
    ):
        answer = browser.request("POST", path, body)
        assert answer.status == 403, answer.body
        assert answer.header("Content-Type") == "application/json"
        assert "CSRF" in json.loads(answer.body)["error"]
    assert bpa(aws) == "unblocked" and shared(aws) == []


def test_a_wrong_or_foreign_token_is_refused(server: RunningServer, aws: Any) -> None:
    browser, other = Browser(server), Browser(server)
    token, foreign = browser.token(), other.token()
    assert token != foreign
    for value in ("", "x", token[:-1], foreign, token + "x"):
        answer = browser.request("POST", BPA, f"state=block-new-sharing&csrf_token={value}")
        assert answer.status == 403, value
    assert bpa(aws) == "unblocked"
    # A token without the session it belongs to is worth nothing either.
    assert (
        Browser(server).request("POST", BPA, f"state=block-new-sharing&csrf_token={token}").status
        == 403
    )
    assert bpa(aws) == "unblocked"


def test_a_form_with_its_token_works(server: RunningServer, aws: Any) -> None:
    browser = Browser(server)
    token = browser.token()
    answer = browser.request("POST", BPA, f"state=block-new-sharing&csrf_token={token}")
    assert answer.status == 303
    assert bpa(aws) == "block-new-sharing"
    token = browser.token(EDITOR)
    body = f"op=save&availability=private&accounts={DEV}&csrf_token={token}"
    assert browser.request("POST", EDITOR, body).status == 303
    assert shared(aws) == [{"UserId": DEV}]


def test_the_session_cookie_is_strict_and_http_only(server: RunningServer, aws: Any) -> None:
    browser = Browser(server)
    browser.token()
    (line,) = browser.set_cookie
    attributes = {part.strip().lower() for part in line.split(";")[1:]}
    assert "httponly" in attributes and "samesite=strict" in attributes


def test_each_app_has_its_own_secret() -> None:
    first, second = create_app(World()), create_app(World())
    assert first.secret_key and second.secret_key
    assert first.secret_key != second.secret_key and len(first.secret_key) >= 32


def test_the_acting_account_is_held_in_the_session(server: RunningServer, aws: Any) -> None:
    browser = Browser(server)
    answer = browser.request("GET", f"{CONSOLE}/organization?account={DEV}&region=us-east-1")
    assert f'id="acting-as">{DEV}<' in answer.body
    answer = browser.request("GET", f"{CONSOLE}/amis")
    assert f'id="acting-as">{DEV}<' in answer.body
    token = TOKEN.search(answer.body)[1]
    # The form acts as the session's account: DEV's setting changes, the owner's does not.
    assert browser.request("POST", BPA, f"state=block-new-sharing&csrf_token={token}").status == 303
    assert bpa(aws, DEV) == "block-new-sharing" and bpa(aws) == "unblocked"


def test_a_cookie_set_by_someone_else_does_not_choose_the_account(
    server: RunningServer, aws: Any
) -> None:
    """Cookies are not isolated by port: any page on localhost may set one. An unsigned
    cookie, or a session cookie not signed by this emulator, is ignored."""
    browser = Browser(server)
    browser.cookies["ami_console_account"] = DEV
    assert f'id="acting-as">{OWNER}<' in browser.request("GET", f"{CONSOLE}/amis").body
    name = next(iter(browser.cookies.keys() - {"ami_console_account"}))
    forged = Browser(server)
    forged.cookies[name] = browser.cookies[name][:-4] + "AAAA"
    assert f'id="acting-as">{OWNER}<' in forged.request("GET", f"{CONSOLE}/amis").body


def test_act_as_links_still_work(server: RunningServer, aws: Any) -> None:
    browser = Browser(server)
    page = browser.request("GET", f"{CONSOLE}/organization").body
    link = re.search(rf'<a href="([^"]*account={DEV}[^"]*)">Act as</a>', page)[1]
    answer = browser.request("GET", link.replace("&amp;", "&"))
    assert answer.status == 200 and f'id="acting-as">{DEV}<' in answer.body
    assert f'id="acting-as">{DEV}<' in browser.request("GET", f"{CONSOLE}/organization").body


CONSOLE_PAGES = [
    f"{CONSOLE}/",
    f"{CONSOLE}/amis?image={AMI}",
    EDITOR,
    f"{CONSOLE}/organization?image={AMI}",
]
ADMIN = ["/_emulator/health", "/_emulator/state", "/_emulator/scenario", "/_emulator/nothing"]


def csp(answer: Answer) -> dict[str, list[str]]:
    policy = answer.header("Content-Security-Policy") or ""
    return {words[0]: words[1:] for words in (part.split() for part in policy.split(";")) if words}


@pytest.mark.parametrize("path", [*CONSOLE_PAGES, f"{CONSOLE}/static/console.js", *ADMIN])
def test_console_and_admin_answers_forbid_framing_sniffing_and_inline_script(
    server: RunningServer, aws: Any, path: str
) -> None:
    answer = send(server.url, "GET", path)
    assert answer.header("X-Frame-Options") == "DENY"
    assert answer.header("X-Content-Type-Options") == "nosniff"
    policy = csp(answer)
    assert policy["frame-ancestors"] == ["'none'"]
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts in (["'self'"], ["'none'"]), policy


def test_a_refusal_carries_the_headers_too(server: RunningServer, aws: Any) -> None:
    answer = send(server.url, "POST", BPA, "state=unblocked", FORM)
    assert answer.status == 403 and answer.header("X-Frame-Options") == "DENY"


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_pages_have_no_inline_script_or_event_handlers(
    server: RunningServer, aws: Any, path: str
) -> None:
    body = send(server.url, "GET", path).body
    assert re.findall(r"<script\b[^>]*>", body) == [
        '<script src="/_emulator/console/static/console.js" defer>'
    ]
    assert not re.findall(r"<[^>]*\son[a-z]+\s*=", body)
    assert not re.findall(r"<[^>]*\sstyle\s*=", body)
    assert "javascript:" not in body
