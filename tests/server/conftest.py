"""Fixtures of the server tests: a real PostgreSQL with the two roles, and two app processes.

The server database is migrated once per test run (as the owner role) and copied once
for the server tests of each test worker; the app processes connect as the app role, as in production, and run
with production cookie settings on free loopback ports.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kratom_journal.store.server.schema import ServerDatabase, migrate_server, open_server_database
from tests.pg_server import PostgresServer
from tests.server.client import Browser
from tests.server.pg_roles import (
    APP_ROLE,
    BACKUP_ROLE,
    OWNER_ROLE,
    create_roles,
    new_server_database,
    role_url,
)

KJ = Path(sys.executable).parent / "kratom-journal"


@pytest.fixture(scope="session")
def server_template(postgres_server: PostgresServer) -> str:
    """A migrated server database (walled off, with its roles), copied by each module."""
    create_roles(postgres_server)
    name = f"kj_server_template_{os.getpid()}"
    new_server_database(postgres_server, name)
    migrate_server(role_url(postgres_server, OWNER_ROLE, name), APP_ROLE, BACKUP_ROLE)
    return name


@dataclass
class ServerUrls:
    name: str
    owner: str
    app: str


def new_server(postgres_server: PostgresServer, template: str) -> ServerUrls:
    name = f"kj_server_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    new_server_database(postgres_server, name, template=template)
    return ServerUrls(
        name, role_url(postgres_server, OWNER_ROLE, name), role_url(postgres_server, APP_ROLE, name)
    )


@pytest.fixture(scope="package")
def server_urls(postgres_server: PostgresServer, server_template: str) -> ServerUrls:
    return new_server(postgres_server, server_template)


@pytest.fixture(scope="package")
def server_db(server_urls: ServerUrls) -> Iterator[ServerDatabase]:
    """The tests' own connection as the app role (to create accounts quickly)."""
    db = open_server_database(server_urls.app)
    yield db
    db.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class AppProcess:
    base: str
    process: subprocess.Popen[str]
    log: Path

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_app(url: str, log: Path, *, jobs: bool = True) -> AppProcess:
    port = free_port()
    # Trusting X-Forwarded-For from loopback lets a test speak from another address.
    command = [
        str(KJ),
        "server",
        "run",
        "--url",
        url,
        "--port",
        str(port),
        "--workers",
        "1",
        "--proxy",
        "127.0.0.1",
    ]
    if not jobs:
        command.append("--no-jobs")
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a contended CI machine imports slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server process ended: {log.read_text()}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return AppProcess(base, process, log)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server process did not become ready within 180 s")


def stop_app(app: AppProcess) -> None:
    app.process.send_signal(signal.SIGINT)
    try:
        app.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait()


@pytest.fixture(scope="package")
def apps(
    server_urls: ServerUrls, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[AppProcess]]:
    """Two app processes over the same database (shared by the server tests of one worker)."""
    folder = tmp_path_factory.mktemp("server-logs")
    started = [start_app(server_urls.app, folder / f"app{i}.log") for i in range(2)]
    yield started
    for app in started:
        stop_app(app)


@pytest.fixture
def browser(apps: list[AppProcess]) -> Iterator[Browser]:
    """A browser whose requests alternate between the two app processes."""
    client = Browser([a.base for a in apps])
    yield client
    client.close()
