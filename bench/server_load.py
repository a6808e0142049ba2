"""A bounded loopback load test of the server: 500 participants, 1 then 2 app processes.

Starts its own PostgreSQL (as the tests do), migrates it, creates ``--people``
participants and signs each in once (a phone stays signed in). Then, for one app
process and again for two, ``--clients`` concurrent clients act as randomly chosen
participants for ``--seconds`` seconds: log a mood (40 %) or a dose (20 %) through the
journal API, open the Today page (20 %), list their moods (10 %) or open the Sleep page
(10 %). Every write carries a unique marker in its note.

Prints per run: requests per second, p50/p95/p99 latency, 5xx and errors; then the
throughput ratio of 2 processes to 1; then, from the database: writes acknowledged vs
stored, lost (acknowledged, not stored) and duplicated (stored twice). Exit status 1
on any 5xx, lost or duplicated write.

Usage:  python bench/server_load.py [--people 500] [--seconds 120] [--clients 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg_server import PostgresServer  # noqa: E402
from tests.server.pg_roles import (  # noqa: E402
    APP_ROLE,
    OWNER_ROLE,
    create_roles,
    new_server_database,
    role_url,
)

KJ = Path(sys.executable).parent / "kratom-journal"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
PASSWORD = "load test passphrase"


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    acknowledged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, label: str) -> str:
        lat = sorted(self.latencies)
        pct = lambda q: 1000 * lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
        rps = len(lat) / self.seconds
        fives = sum(n for s, n in self.statuses.items() if s >= 500)
        return (
            f"{label:12} {len(lat):7d} requests {rps:7.1f}/s  p50 {pct(0.5):6.1f} ms  "
            f"p95 {pct(0.95):6.1f} ms  p99 {pct(0.99):6.1f} ms  5xx {fives}  errors {self.errors}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_app(url: str, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
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
        "--no-jobs",
        "--insecure-cookies",
    ]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return base, process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"the app process did not start: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def create_people(app_url: str, count: int) -> list[str]:
    from kratom_journal.services.server import accounts
    from kratom_journal.store.server.schema import open_server_database

    db = open_server_database(app_url)
    names = []
    for i in range(count):
        name = f"load-{i:04d}"
        accounts.create_account(db, name, name, "person", PASSWORD, timezone="Europe/Berlin")
        names.append(name)
    db.close()
    return names


async def sign_in(base: str, name: str) -> str:
    async with httpx.AsyncClient(timeout=60) as client:  # a phone of its own: its own cookies
        return await _sign_in(client, base, name)


async def _sign_in(client: httpx.AsyncClient, base: str, name: str) -> str:
    page = await client.get(base + "/login")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    csrf = page.cookies.get("kj_csrf") or ""
    answer = await client.post(
        base + "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token},
        headers={"cookie": f"kj_csrf={csrf}"},
    )
    session = answer.cookies.get("kj_session")
    if answer.status_code != 303 or not session:
        raise SystemExit(f"sign-in of {name} failed: {answer.status_code}")
    return f"kj_session={session}"


async def act(client: httpx.AsyncClient, base: str, cookie: str, name: str, run: Run) -> None:
    roll = random.random()
    headers = {"cookie": cookie}
    marker = None
    if roll < 0.4:
        marker = f"{name}:{uuid.uuid4().hex}"
        request = client.post(
            base + "/api/v1/moods",
            json={"mood": random.randint(0, 10), "note": marker},
            headers=headers,
        )
    elif roll < 0.6:
        marker = f"{name}:{uuid.uuid4().hex}"
        request = client.post(
            base + "/api/v1/doses",
            # A repeated dose within minutes is asked about; the simulated phone says yes.
            json={"amount": "3g", "note": marker, "confirm": True},
            headers=headers,
        )
    elif roll < 0.8:
        request = client.get(base + "/", headers=headers)
    elif roll < 0.9:
        request = client.get(base + "/api/v1/moods", headers=headers)
    else:
        request = client.get(base + "/sleep", headers=headers)
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError:
        run.errors += 1
        return
    run.latencies.append(time.perf_counter() - started)
    run.statuses[response.status_code] += 1
    if marker and response.status_code == 201:
        run.acknowledged.append(marker)


async def load(
    bases: list[str], cookies: dict[str, dict[str, str]], seconds: float, clients: int
) -> Run:
    run = Run()
    names = list(cookies[bases[0]])
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker(index: int) -> None:
            base = bases[index % len(bases)]
            while time.monotonic() < deadline:
                name = random.choice(names)
                await act(client, base, cookies[base][name], name, run)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        run.seconds = time.perf_counter() - started
    return run


async def sign_everyone_in(bases: list[str], names: list[str]) -> dict[str, dict[str, str]]:
    cookies: dict[str, dict[str, str]] = {}
    for base in bases:
        cookies[base] = {}
        for start in range(0, len(names), 16):
            batch = names[start : start + 16]
            found = await asyncio.gather(*(sign_in(base, n) for n in batch))
            cookies[base].update(zip(batch, found, strict=True))
    return cookies


def stored_markers(server: PostgresServer, dbname: str) -> Counter[str]:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user={OWNER_ROLE} dbname={dbname}"
    ) as conn:
        conn.execute("SET app.maintenance = 'on'")
        found: Counter[str] = Counter()
        for table in ("mood_checkins", "doses"):
            for (note,) in conn.execute(f"SELECT note FROM {table} WHERE note LIKE 'load-%'"):
                found[note] += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=32, help="concurrent simulated phones")
    args = parser.parse_args()
    random.seed(7)
    server = PostgresServer().start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        create_roles(server)
        new_server_database(server, "kj_load")
        from kratom_journal.store.server.schema import migrate_server

        migrate_server(role_url(server, OWNER_ROLE, "kj_load"), APP_ROLE)
        app_url = role_url(server, APP_ROLE, "kj_load")
        started = time.perf_counter()
        names = create_people(app_url, args.people)
        print(
            f"{args.people} participants created in {time.perf_counter() - started:.0f} s; "
            f"{args.clients} concurrent clients, {args.seconds:.0f} s per run; "
            f"{os.cpu_count()} CPU cores (shared with PostgreSQL and this load generator)"
        )
        logs = Path(server.root)
        bases = []
        for i in range(2):
            base, process = start_app(app_url, logs / f"app{i}.log")
            bases.append(base)
            processes.append(process)
        cookies = asyncio.run(sign_everyone_in(bases, names))
        one = asyncio.run(load(bases[:1], cookies, args.seconds, args.clients))
        print(one.line("1 process"))
        two = asyncio.run(load(bases, cookies, args.seconds, args.clients))
        print(two.line("2 processes"))
        ratio = (len(two.latencies) / two.seconds) / (len(one.latencies) / one.seconds)
        print(f"throughput, 2 processes / 1 process: {ratio:.2f}x")
        acknowledged = one.acknowledged + two.acknowledged
        stored = stored_markers(server, "kj_load")
        lost = [m for m in acknowledged if stored[m] == 0]
        duplicated = [m for m, n in stored.items() if n > 1]
        extra = len(set(stored) - set(acknowledged))
        print(
            f"writes: {len(acknowledged)} acknowledged, {sum(stored.values())} stored; "
            f"lost {len(lost)}, duplicated {len(duplicated)}, stored but not acknowledged {extra}"
        )
        p95 = sorted(two.latencies)[int(0.95 * len(two.latencies))] * 1000
        fives = sum(n for run in (one, two) for s, n in run.statuses.items() if s >= 500)
        print(f"p95 with 2 processes: {p95:.0f} ms (target < 300 ms on this machine)")
        return 1 if fives or lost or duplicated else 0
    finally:
        for process in processes:
            stop(process)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
