"""Connections that send nothing cannot fill the server: header deadlines and a cap per address.

uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but a new
connection that never sends a complete request head waits for ever, and every
one of them counts towards the server's concurrency limit: 64 idle sockets from
one machine made the server answer 503 to everybody. The protocol here (uvicorn's
h11 protocol with two additions) closes a connection whose request head has not
arrived ``HEADER_TIMEOUT_SECONDS`` after it opened (or after its last answer), and
keeps at most ``MAX_IDLE_PER_ADDRESS`` idle connections per client address: a new
connection from an address at the cap closes that address's oldest idle one, so
the newest connection, a person's own browser, is always served. Both happen
before any authentication, which needs a request head to look at.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_SECONDS = 10.0
MAX_IDLE_PER_ADDRESS = 16
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 512
"""uvicorn's overall limit (503 above it); the per-address cap keeps idle ones well below."""


class IdleConnections:
    """The open connections of each client address, oldest first."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self._by_address: dict[str, list[GuardedH11Protocol]] = {}

    def opened(self, connection: GuardedH11Protocol) -> None:
        mine = self._by_address.setdefault(connection.address, [])
        mine.append(connection)
        idle = [c for c in mine if c.waiting_for_request()]
        for oldest in idle[: max(0, len(idle) - self.per_address)]:
            oldest.close_idle()

    def closed(self, connection: GuardedH11Protocol) -> None:
        mine = self._by_address.get(connection.address)
        if mine is None:
            return
        if connection in mine:
            mine.remove(connection)
        if not mine:
            del self._by_address[connection.address]

    def count(self, address: str) -> int:
        return len(self._by_address.get(address, ()))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a per-address idle cap."""

    guard: IdleConnections = IdleConnections(MAX_IDLE_PER_ADDRESS)
    header_timeout: float = HEADER_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = str(self.client[0]) if self.client else ""
        self._deadline: asyncio.TimerHandle | None = None
        self._arm_deadline()
        self.guard.opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        self.guard.closed(self)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request head arrived: the deadline is met
            self._disarm_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_deadline()  # the next request head must come in time too

    def waiting_for_request(self) -> bool:
        """Open with no request being answered (idle, or its request head still coming)."""
        return self.cycle is None or self.cycle.response_complete

    def close_idle(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def _arm_deadline(self) -> None:
        self._disarm_deadline()
        armed = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._deadline_passed, armed)

    def _disarm_deadline(self) -> None:
        deadline = getattr(self, "_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._deadline = None

    def _deadline_passed(self, armed: Any) -> None:
        self._deadline = None
        if self.cycle is armed and self.waiting_for_request():
            self.close_idle()


def guarded_protocol(
    per_address: int = MAX_IDLE_PER_ADDRESS, header_timeout: float = HEADER_TIMEOUT_SECONDS
) -> type[GuardedH11Protocol]:
    """A protocol class with its own table of connections (one per server)."""
    return type(
        "ServerH11Protocol",
        (GuardedH11Protocol,),
        {"guard": IdleConnections(per_address), "header_timeout": header_timeout},
    )


def connection_options(
    per_address: int = MAX_IDLE_PER_ADDRESS, header_timeout: float = HEADER_TIMEOUT_SECONDS
) -> dict[str, Any]:
    """The uvicorn options that bound connections (``uvicorn.run(app, **connection_options())``)."""
    return {
        "http": guarded_protocol(per_address, header_timeout),
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }
