"""A real uvicorn server on a free loopback port and headless Debian chromium, for browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 360, "height": 760}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(db: Path) -> Iterator[str]:
    """Serve the journal ``db`` with uvicorn in a thread; yields the base URL."""
    import uvicorn

    from kratom_journal.web import WebSettings, create_app

    port = free_port()
    config = uvicorn.Config(create_app(WebSettings(db=str(db))), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus: proves the element is keyboard-reachable."""
    from playwright.sync_api import Error

    page.wait_for_load_state()
    for _ in range(limit):
        try:
            if page.evaluate("(s) => document.activeElement === document.querySelector(s)",
                             selector):
                return
        except Error:  # a navigation started by the previous key is still under way
            page.wait_for_load_state()
            continue
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
