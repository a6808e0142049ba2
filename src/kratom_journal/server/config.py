"""How a server process is configured: from the command line, or the environment of workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

ENV_PREFIX = "KJ_SERVER_"


@dataclass(frozen=True)
class ServerSettings:
    """What ``create_server_app`` needs to know.

    ``secure_cookies`` marks the session cookie ``Secure`` (and names it with the
    ``__Host-`` prefix); it is on unless the server only answers plain HTTP on the
    loopback address (tests, or a proxy on the same machine that speaks HTTP to it).
    """

    database_url: str
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    secure_cookies: bool = True
    public_url: str = ""
    """The address people open (for links the server shows), e.g. https://journal.example.org."""
    run_jobs: bool = True
    """Take background jobs in this process too (a thread), beside any ``server worker``."""
    default_timezone: str = "UTC"
    extra: dict[str, str] = field(default_factory=dict)

    def to_environment(self) -> dict[str, str]:
        """The settings as environment variables, for uvicorn's worker processes."""
        return {
            f"{ENV_PREFIX}DATABASE_URL": self.database_url,
            f"{ENV_PREFIX}ALLOWED_HOSTS": ",".join(self.allowed_hosts),
            f"{ENV_PREFIX}SECURE_COOKIES": "1" if self.secure_cookies else "0",
            f"{ENV_PREFIX}PUBLIC_URL": self.public_url,
            f"{ENV_PREFIX}RUN_JOBS": "1" if self.run_jobs else "0",
            f"{ENV_PREFIX}DEFAULT_TIMEZONE": self.default_timezone,
        }


def settings_from_environment() -> ServerSettings:
    env = os.environ
    hosts = tuple(h for h in env.get(f"{ENV_PREFIX}ALLOWED_HOSTS", "").split(",") if h)
    return ServerSettings(
        database_url=env[f"{ENV_PREFIX}DATABASE_URL"],
        allowed_hosts=hosts or ServerSettings.allowed_hosts,
        secure_cookies=env.get(f"{ENV_PREFIX}SECURE_COOKIES", "1") == "1",
        public_url=env.get(f"{ENV_PREFIX}PUBLIC_URL", ""),
        run_jobs=env.get(f"{ENV_PREFIX}RUN_JOBS", "1") == "1",
        default_timezone=env.get(f"{ENV_PREFIX}DEFAULT_TIMEZONE", "UTC"),
    )
