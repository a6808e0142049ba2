"""Load on the web app: 20 clients, 30 % writes, 60 s on loopback, on SQLite and PostgreSQL.

Each backend serves a 150-day demo journal with ``kj serve`` (its own process, its
per-start token read from the owner-only token file). Every client keeps one
connection and loops: a page or API read (Today, Sleep, Insights, History, Mood,
the API), or a write through the API (a mood check-in or a dose). The clinician
report is left out of the mix: building it takes about a second by itself (it is
read now and then, not under load); it is timed once per backend instead. Targets:
0 errors and p95 under 1 s. The baseline of the same run is one client, reads only:
the ratio says how much the load slows a request down.

Clients wait 0.5 s on average between requests (``--think``; 0 sends them back
to back, which measures the server's throughput rather than a person's wait).

    python bench/web_load.py [--clients 20] [--writes 0.3] [--seconds 60] [--think 0.5]
                             [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

READS = [
    "/",
    "/sleep",
    "/insights",
    "/history",
    "/mood",
    "/api/v1/doses?limit=20",
    "/api/v1/insights",
]
P95_TARGET_SECONDS = 1.0


@dataclass
class Result:
    """Latencies (seconds) of every request, and the failures with their reason."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    writes: int = 0
    seconds: float = 0.0

    def p(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def line(self, name: str) -> str:
        count = len(self.latencies)
        return (
            f"{name}: {count} requests ({self.writes} writes) in {self.seconds:.0f} s, "
            f"{count / max(self.seconds, 1e-9):.1f}/s; errors {len(self.errors)}; "
            f"p50 {self.p(0.5) * 1000:.0f} ms, p95 {self.p(0.95) * 1000:.0f} ms, "
            f"max {max(self.latencies, default=0) * 1000:.0f} ms"
        )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(db: str) -> Iterator[tuple[int, str]]:
    """``kj serve`` over ``db`` on a free loopback port; yields (port, access token)."""
    from kratom_journal.web.server import token_file

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kratom_journal", "serve", "--db", db, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    secret = token_file(db, port)
    try:
        deadline = time.monotonic() + 60
        while not secret.exists():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the server did not start: {process.stderr.read()[:500]}")  # type: ignore[union-attr]
            time.sleep(0.1)
        token = secret.read_text().strip()
        _wait_until_answering(port, token)
        yield port, token
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(port: int, token: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/settings", headers=_headers(token))
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _headers(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "host": "127.0.0.1"}


def _write_body(rng: random.Random) -> tuple[str, dict[str, object]]:
    at = (datetime.now(UTC) - timedelta(minutes=rng.randint(1, 600))).isoformat()
    if rng.random() < 0.5:
        return "/api/v1/moods", {
            "mood": rng.randint(0, 10),
            "anxiety": rng.randint(0, 10),
            "at": at,
        }
    return "/api/v1/doses", {"amount": "1g", "at": at, "confirm": True}


def client_loop(
    port: int,
    token: str,
    write_share: float,
    until: float,
    seed: int,
    result: Result,
    lock: threading.Lock,
    think: float = 0.0,
) -> None:
    """One client until ``until`` (time.monotonic): a request, then ``think`` seconds
    (on average, exponentially distributed) before the next one."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        if think:
            time.sleep(rng.expovariate(1 / think))
        writing = rng.random() < write_share
        started = time.perf_counter()
        try:
            if writing:
                path, body = _write_body(rng)
                connection.request(
                    "POST",
                    path,
                    body=json.dumps(body),
                    headers={**_headers(token), "content-type": "application/json"},
                )
                expected = {201}
            else:
                path = rng.choice(READS)
                connection.request("GET", path, headers=_headers(token))
                expected = {200, 409}  # 409: the journal does not support that analysis yet
            response = connection.getresponse()
            payload = response.read()
            problem = (
                None
                if response.status in expected
                else f"{path}: {response.status} {payload[:120]!r}"
            )
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{path}: {type(exc).__name__}: {exc}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        elapsed = time.perf_counter() - started
        with lock:
            result.latencies.append(elapsed)
            result.writes += writing
            if problem:
                result.errors.append(problem)
    connection.close()


def run_load(
    port: int, token: str, clients: int, write_share: float, seconds: float, think: float = 0.0
) -> Result:
    """``clients`` threads for ``seconds``; every request's latency and every failure."""
    result = Result()
    lock = threading.Lock()
    started = time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(port, token, write_share, until, seed, result, lock, think),
        )
        for seed in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def demo_journal(folder: Path, days: int = 150) -> Path:
    """A demo journal file (SQLite) with ``days`` days of entries."""
    from kratom_journal.demo.build import build_demo_journal

    journal, path = build_demo_journal(folder / "demo.sqlite3", days=days)
    journal.close()
    return path


def postgres_copy(sqlite_path: Path, folder: Path) -> tuple[str, object]:
    """The demo journal moved to a fresh PostgreSQL server (via the JSON export)."""
    from tests.pg_server import PostgresServer

    from kratom_journal.services.imports import run_import
    from kratom_journal.services.transfer import export_json
    from kratom_journal.store.journal import open_journal

    server = PostgresServer().start()
    url = server.new_database()
    source = open_journal(sqlite_path)
    export = folder / "demo.json"
    export_json(source, export)
    source.close()
    target = open_journal(url)
    run_import(target, "json", export)
    target.close()
    return url, server


def bench_backend(
    db: str, clients: int, write_share: float, seconds: float, think: float
) -> tuple[Result, Result, float]:
    """(one read-only client: the baseline, the load, seconds of one report) on a journal."""
    with served(db) as (port, token):
        run_load(port, token, 2, 0.0, min(5.0, seconds))  # warm up the caches
        baseline = run_load(port, token, 1, 0.0, max(2.0, seconds / 6))
        loaded = run_load(port, token, clients, write_share, seconds, think)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/report", headers=_headers(token))
        connection.getresponse().read()
        connection.close()
        report_seconds = time.perf_counter() - started
    return baseline, loaded, report_seconds


def report(name: str, baseline: Result, loaded: Result) -> bool:
    ok = not loaded.errors and loaded.p(0.95) < P95_TARGET_SECONDS
    print(baseline.line(f"{name} baseline (1 client, reads)"))
    print(loaded.line(f"{name} load"))
    ratio = loaded.p(0.95) / max(baseline.p(0.95), 1e-9)
    print(
        f"{name}: p95 {loaded.p(0.95) * 1000:.0f} ms vs baseline "
        f"{baseline.p(0.95) * 1000:.0f} ms -> ratio {ratio:.1f}; "
        f"{'PASS' if ok else 'FAIL'} (target: 0 errors, p95 < {P95_TARGET_SECONDS:g} s)"
    )
    for problem in loaded.errors[:5]:
        print(f"  error: {problem}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--writes", type=float, default=0.3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean seconds a client waits between requests"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kj-web-load-"))
    sqlite_path = demo_journal(folder, args.days)
    ok = True
    for backend in args.backends.split(","):
        server = None
        db = str(sqlite_path)
        if backend == "postgresql":
            db, server = postgres_copy(sqlite_path, folder)
        try:
            baseline, loaded, report_seconds = bench_backend(
                db, args.clients, args.writes, args.seconds, args.think
            )
            print(
                f"{backend}: {args.clients} clients, {args.writes:.0%} writes, "
                f"{args.think:g} s mean think time, {args.seconds:g} s"
            )
            ok = report(backend, baseline, loaded) and ok
            print(f"{backend}: one clinician report after the load: {report_seconds:.2f} s")
        finally:
            if server is not None:
                server.stop()  # type: ignore[attr-defined]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
