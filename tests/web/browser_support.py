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
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 760}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(
    db: Path, clock: Any = None, access_token: str | None = None, **uvicorn_options: Any
) -> Iterator[str]:
    """Serve the journal ``db`` with uvicorn in a thread; yields the base URL.

    ``clock`` (a ``services.clock.Clock``) stops the server's "now" for a test;
    ``access_token`` asks for a token as ``kj serve`` does; ``uvicorn_options`` go to
    ``uvicorn.Config`` (the connection limits of ``web.connections``, say).
    """
    import uvicorn

    from kratom_journal.services.clock import SYSTEM_CLOCK
    from kratom_journal.web import WebSettings, create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(WebSettings(db=str(db), access_token=access_token), clock=clock or SYSTEM_CLOCK),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        **uvicorn_options,
    )
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
            if page.evaluate(
                "(s) => document.activeElement === document.querySelector(s)", selector
            ):
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


def screenshot(page: Any, folder: Path, name: str, full_page: bool = True) -> None:
    """Save the page as ``folder/name.png`` (see the ``screenshot_dir`` fixture)."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def apple_health_export(folder: Path, nights: list[Any]) -> Path:
    """A small Apple Health export.zip: an Apple Watch's staged nights, as iOS writes them."""
    import zipfile

    records = []
    for night in nights:
        evening = night.isoformat()
        morning = night.fromordinal(night.toordinal() + 1).isoformat()
        for start, end, value in (
            (f"{evening} 22:50:00", f"{morning} 07:10:00", "InBed"),
            (f"{evening} 23:10:00", f"{morning} 01:00:00", "AsleepCore"),
            (f"{morning} 01:00:00", f"{morning} 02:10:00", "AsleepDeep"),
            (f"{morning} 02:10:00", f"{morning} 02:30:00", "Awake"),
            (f"{morning} 02:30:00", f"{morning} 04:30:00", "AsleepCore"),
            (f"{morning} 04:30:00", f"{morning} 05:40:00", "AsleepREM"),
            (f"{morning} 05:40:00", f"{morning} 06:50:00", "AsleepCore"),
        ):
            records.append(
                '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Apple Watch" '
                'sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch&gt;" '
                f'creationDate="{morning} 07:20:00 +0100" startDate="{start} +0100" '
                f'endDate="{end} +0100" value="HKCategoryValueSleepAnalysis{value}"/>'
            )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        '<!ELEMENT HealthData (ExportDate,Record*)>\n]>\n<HealthData locale="en_US">\n'
        ' <ExportDate value="2026-11-26 08:00:00 +0100"/>\n '
        + "\n ".join(records)
        + "\n</HealthData>\n"
    )
    target = folder / "export.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", xml)
    return target
