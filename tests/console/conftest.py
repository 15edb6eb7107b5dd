"""One headless Chromium for the console's browser tests (skipped when it is not installed)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.server import RunningServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DESKTOP = (1280, 900)
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _missing() -> str | None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.exists(path) and os.access(path, os.X_OK)):
            return f"{path} not found: install Debian's {package} package to run browser tests"
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium driven by selenium, shared by the session's browser tests."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size={},{}".format(*DESKTOP))
    options.add_argument("--force-device-scale-factor=1")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser: Any, ami_server: RunningServer, ami_world: Any) -> Callable[..., Any]:
    """``page(path, account=..., region=...)``: open a console page as that account, in a
    world just reset (scenario marker honoured); returns the driver."""
    browser.set_window_size(*DESKTOP)
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    base = f"{ami_server.url}/_emulator/console"

    def open_page(path: str = "/", **query: str) -> Any:
        query.setdefault("account", "123456789012")
        query.setdefault("region", "us-east-1")
        sep = "&" if "?" in path else "?"
        args = "&".join(f"{k}={v}" for k, v in query.items())
        browser.get(f"{base}{path}{sep}{args}")
        return browser

    return open_page


@pytest.fixture(scope="session")
def screenshots() -> Path:
    IMAGES.mkdir(parents=True, exist_ok=True)
    return IMAGES
