"""``kj serve --lan`` on a loopback address, and a throwaway Chromium that trusts its CA.

The browser is given the journal's own certificate authority the way a person's
computer would have it: in an NSS certificate database under ``$HOME/.pki/nssdb``
(``certutil`` from Debian's ``libnss3-tools``), with HOME pointed at a temporary
profile. Nothing tells Chromium to ignore certificate errors.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_support import CHROMIUM, CHROMIUM_ARGS, free_port

CERTUTIL = "/usr/bin/certutil"
URL_LINE = re.compile(r"(https://\S+/)\?token=(\S+)")


@dataclass
class LanServer:
    """A running ``kj serve --lan``: its base URL, access token and everything it printed."""

    base: str
    token: str
    ca_path: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)


def _read_lines(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


@contextmanager
def lan_server(db: Path, timeout: float = 90) -> Iterator[LanServer]:
    """Start ``kj serve --lan`` bound to 127.0.0.1 (standing in for the LAN address)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kratom_journal", "--db", str(db), "serve", "--lan"]
        + ["--lan-address", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    reader = threading.Thread(target=_read_lines, args=(process, lines), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout  # a bound on waiting, generous on a busy machine
        found = None
        while found is None:
            found = next((URL_LINE.search(x) for x in lines if URL_LINE.search(x)), None)
            if found is None and (time.monotonic() > deadline or process.poll() is not None):
                raise RuntimeError("kj serve --lan did not start:\n" + "".join(lines))
            time.sleep(0.1)
        _wait_listening(port, deadline)
        yield LanServer(
            found.group(1),
            found.group(2),
            Path(f"{db}.lan-tls") / "ca.crt",
            process,
            lines,
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)


def _wait_listening(port: int, deadline: float) -> None:
    import socket

    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("kj serve --lan did not listen in time")


def trusting_profile(home: Path, ca_path: Path) -> Path:
    """A HOME whose NSS database trusts ``ca_path`` to identify web servers."""
    if not Path(CERTUTIL).exists():
        pytest.skip("certutil is not installed (apt-get install libnss3-tools)")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home)}
    for args in (
        ["-d", f"sql:{nssdb}", "-N", "--empty-password"],
        ["-d", f"sql:{nssdb}", "-A", "-n", "kj", "-t", "C,,", "-i", str(ca_path)],
    ):
        subprocess.run([CERTUTIL, *args], env=env, check=True, capture_output=True, timeout=30)
    return home


@contextmanager
def trusting_browser(home: Path, browser_type: Any) -> Iterator[Any]:
    """A persistent Chromium context over the profile in ``home`` (its NSS database included).

    ``browser_type`` is the session's (``chromium.browser_type``): one Playwright per run.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    context = browser_type.launch_persistent_context(
        str(home / "chromium-profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        env={**os.environ, "HOME": str(home)},
        viewport={"width": 360, "height": 760},
    )
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(home / "chromium-profile", ignore_errors=True)
