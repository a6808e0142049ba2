"""A bounded loopback load test of the server: 500 participants, 2 app processes, 1 vs 2.

Starts its own PostgreSQL (as the tests do), migrates it, creates ``--people``
participants and signs each in once (a phone stays signed in; any process accepts
any session). Each simulated request acts as a randomly chosen participant: log a
mood (40 %) or a dose (20 %) through the journal API, open the Today page (20 %), list
their moods (10 %) or open the Sleep page (10 %). Every write carries a unique marker
in its note.

1. **Steady run** (the latency figure): for ``--seconds`` seconds, requests arrive at
   random (Poisson) at ``--rate`` per second, spread over two app processes, whatever
   the answers' speed (an open loop: a slow server does not slow the arrivals, so the
   latencies are not flattered). Latency is counted from each request's arrival.
2. **Saturation runs** (the throughput figures): ``--clients`` phones send request
   after request for ``--saturation-seconds`` seconds, against one process and then
   against two; the ratio of the throughputs is how it scales from 1 to 2 processes.

Prints per run: requests, per second, p50/p95/p99 latency, 5xx and errors (no answer
within 30 s); the machine's load average before and after (other work on the machine
slows the server down); then, from the database: writes acknowledged vs stored, lost
(acknowledged, not stored) and duplicated (stored twice). Exit status 1 on any 5xx,
error, lost or duplicated write.

Usage:  python bench/server_load.py [--people 500] [--seconds 120] [--rate 10]
                                    [--saturation-seconds 60] [--clients 16]
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
    unanswered: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def fives(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def p95_ms(self) -> float:
        lat = sorted(self.latencies)
        return 1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))]

    def line(self, label: str) -> str:
        lat = sorted(self.latencies)
        pct = lambda q: 1000 * lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
        return (
            f"{label:28} {len(lat):6d} requests {self.throughput:6.1f}/s  p50 {pct(0.5):6.0f} ms  "
            f"p95 {pct(0.95):6.0f} ms  p99 {pct(0.99):6.0f} ms  5xx {self.fives}  "
            f"errors {self.errors}"
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
    await _send(client, base, cookie, name, run, time.perf_counter())


async def _send(
    client: httpx.AsyncClient, base: str, cookie: str, name: str, run: Run, arrived: float
) -> None:
    """One request as ``name``; its latency counts from ``arrived``."""
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
    try:
        response = await request
    except httpx.HTTPError:
        run.errors += 1
        if marker:
            run.unanswered.append(marker)
        return
    run.latencies.append(time.perf_counter() - arrived)
    run.statuses[response.status_code] += 1
    if marker and response.status_code == 201:
        run.acknowledged.append(marker)


def _client(connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(timeout=30, limits=limits)


async def saturate(bases: list[str], cookies: dict[str, str], seconds: float, clients: int) -> Run:
    """``clients`` phones, each sending its next request as soon as the last is answered."""
    run = Run()
    names = list(cookies)
    deadline = time.monotonic() + seconds
    async with _client(clients) as client:

        async def phone(index: int) -> None:
            base = bases[index % len(bases)]
            while time.monotonic() < deadline:
                name = random.choice(names)
                await act(client, base, cookies[name], name, run)

        started = time.perf_counter()
        await asyncio.gather(*(phone(i) for i in range(clients)))
        run.seconds = time.perf_counter() - started
    return run


async def steady(bases: list[str], cookies: dict[str, str], seconds: float, rate: float) -> Run:
    """Requests arriving at random at ``rate`` per second (Poisson), answered or not."""
    run = Run()
    names = list(cookies)
    tasks: set[asyncio.Task[None]] = set()
    async with _client(256) as client:
        started = time.perf_counter()
        due = started
        turn = 0
        while due - started < seconds:
            due += random.expovariate(rate)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            name = random.choice(names)
            base = bases[turn % len(bases)]
            turn += 1
            task = asyncio.create_task(_send(client, base, cookies[name], name, run, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        run.seconds = time.perf_counter() - started
    return run


async def sign_everyone_in(base: str, names: list[str]) -> dict[str, str]:
    """One session per participant (sessions live in the database: every process takes it)."""
    cookies: dict[str, str] = {}
    for start in range(0, len(names), 8):
        batch = names[start : start + 8]
        found = await asyncio.gather(*(sign_in(base, n) for n in batch))
        cookies.update(zip(batch, found, strict=True))
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


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu_of(pid: int, children_done: bool = False) -> float:
    """CPU seconds a process used (user + system), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children_done:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def database_cpu(server: PostgresServer) -> float:
    """CPU seconds of the PostgreSQL cluster: the postmaster and every backend."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    total = _cpu_of(postmaster, children_done=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == postmaster:
            total += _cpu_of(int(stat.parent.name))
    return total


@dataclass
class CpuMeter:
    """CPU used by the app processes and the database during a run, per request answered."""

    apps: list[subprocess.Popen[bytes]]
    server: PostgresServer
    start: tuple[float, float] = (0.0, 0.0)

    def read(self) -> tuple[float, float]:
        return sum(_cpu_of(p.pid) for p in self.apps), database_cpu(self.server)

    def begin(self) -> None:
        self.start = self.read()

    def per_request(self, run: Run) -> str:
        app, db = (now - then for now, then in zip(self.read(), self.start, strict=True))
        n = max(1, len(run.latencies))
        return f"CPU per request: app {1000 * app / n:.1f} ms, PostgreSQL {1000 * db / n:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=120, help="length of the steady run")
    parser.add_argument("--rate", type=float, default=10, help="steady arrivals per second")
    parser.add_argument("--saturation-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16, help="phones in the saturation runs")
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
        logs = Path(server.root)
        bases = []
        for i in range(2):
            base, process = start_app(app_url, logs / f"app{i}.log")
            bases.append(base)
            processes.append(process)
        cookies = asyncio.run(sign_everyone_in(bases[0], names))
        print(
            f"{args.people} participants created and signed in in "
            f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} CPU cores shared with "
            f"PostgreSQL, this load generator and whatever else runs; load average "
            f"{load_average()}"
        )
        meter = CpuMeter(processes, server)
        warm = asyncio.run(saturate(bases, cookies, 10, 4))  # templates compiled, pools filled
        print(warm.line("warm-up (not counted)"))
        runs = [
            (
                f"steady {args.rate:g}/s, 2 processes",
                steady(bases, cookies, args.seconds, args.rate),
            ),
            (
                f"saturation {args.clients}, 1 process",
                saturate(bases[:1], cookies, args.saturation_seconds, args.clients),
            ),
            (
                f"saturation {args.clients}, 2 processes",
                saturate(bases, cookies, args.saturation_seconds, args.clients),
            ),
        ]
        done: list[Run] = []
        for label, work in runs:
            meter.begin()
            done.append(asyncio.run(work))
            print(done[-1].line(label), flush=True)
            print(f"{'':29}{meter.per_request(done[-1])}; load average {load_average()}")
        steady_run, one, two = done
        done.append(warm)
        print(f"throughput, 2 processes / 1 process: {two.throughput / one.throughput:.2f}x")
        acknowledged = [m for run in done for m in run.acknowledged]
        unanswered = {m for run in done for m in run.unanswered}
        stored = stored_markers(server, "kj_load")
        lost = [m for m in acknowledged if stored[m] == 0]
        duplicated = [m for m, n in stored.items() if n > 1]
        extra = set(stored) - set(acknowledged)
        print(
            f"writes: {len(acknowledged)} acknowledged, {sum(stored.values())} stored; "
            f"lost {len(lost)}, duplicated {len(duplicated)}, stored but not acknowledged "
            f"{len(extra)} (of {len(unanswered)} left without an answer)"
        )
        print(
            f"p95 of the steady run: {steady_run.p95_ms():.0f} ms "
            "(target < 300 ms on this 2-core machine)"
        )
        fives = sum(run.fives for run in done)
        errors = sum(run.errors for run in done)
        return 1 if fives or errors or lost or duplicated or extra - unanswered else 0
    finally:
        for process in processes:
            stop(process)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
