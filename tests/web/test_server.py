"""``kj serve``: loopback by default, the LAN only with a token; clear one-line errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kratom_journal.web import server


def stop(process: subprocess.Popen[str]) -> str:
    """Stop a server with Ctrl-C, as a person would (a server that does not stop in
    time fails the test, and is killed so that it does not outlive it)."""
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port``, read from /proc (nothing is sent)."""
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                if width == 8:
                    found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.add(address)
    return found


def test_without_lan_only_loopback_is_accepted() -> None:
    assert server.plan_server("127.0.0.1", 8000, lan=False) == ("127.0.0.1", None)
    assert server.plan_server("::1", 8000, lan=False) == ("::1", None)
    for host in ("0.0.0.0", "192.168.1.20", "example.org"):
        with pytest.raises(server.ServeError, match="--lan"):
            server.plan_server(host, 8000, lan=False)
    with pytest.raises(server.ServeError, match="--port"):
        server.plan_server("127.0.0.1", 70000, lan=False)


def test_lan_creates_a_random_token_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "lan_address", lambda: "192.0.2.10")
    address, token = server.plan_server("127.0.0.1", 8000, lan=True)
    _, other = server.plan_server("127.0.0.1", 8000, lan=True)
    assert address == "192.0.2.10"
    assert token and other and token != other and len(token) >= 24
    assert server.plan_server("0.0.0.0", 8000, lan=True)[0] == "192.0.2.10"
    assert server.plan_server("192.0.2.99", 8000, lan=True)[0] == "192.0.2.99"


def test_lan_banner_prints_the_link_and_a_qr_code(capsys: pytest.CaptureFixture[str]) -> None:
    server.print_lan_banner("http://192.0.2.10:8000/?token=abc")
    printed = capsys.readouterr().out
    assert "http://192.0.2.10:8000/?token=abc" in printed
    assert "█" in printed or "▀" in printed  # the QR code's blocks


def test_kj_serve_listens_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KRATOM_JOURNAL_DB": str(tmp_path / "j.sqlite3")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kratom_journal", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # a bound on waiting, generous on a busy machine
        while time.monotonic() < deadline and not listening_addresses(port):
            time.sleep(0.1)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        out = stop(process)
    assert f"http://127.0.0.1:{port}/" in out


def test_kj_serve_errors_are_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "KRATOM_JOURNAL_DB": str(tmp_path / "j.sqlite3")}
    result = subprocess.run(
        [sys.executable, "-m", "kratom_journal", "serve", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--lan" in result.stderr
    not_journal = tmp_path / "notes.txt"
    not_journal.write_text("hello")
    result = subprocess.run(
        [sys.executable, "-m", "kratom_journal", "serve", "--db", str(not_journal)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "not a journal database" in result.stderr
    assert "Traceback" not in result.stderr


def test_kj_demo_serves_the_demo_journal_and_prints_the_url(tmp_path: Path) -> None:
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kratom_journal",
            "demo",
            "--days",
            "120",
            "--path",
            str(tmp_path / "demo.sqlite3"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # a bound on waiting, generous on a busy machine
        while time.monotonic() < deadline and not listening_addresses(port):
            time.sleep(0.2)
        assert listening_addresses(port) == {"127.0.0.1"}
        token = server.token_file(str(tmp_path / "demo.sqlite3"), port).read_text().strip()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sleep", headers={"authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request) as response:
            page = response.read().decode()
        assert "sleep-chart" in page
    finally:
        out = stop(process)
    assert f"http://127.0.0.1:{port}/" in out
