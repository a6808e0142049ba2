"""A throwaway second account on this machine, to show what another local user can reach."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class OtherAccount:
    """A system account with no home and no login shell, created for the test run."""

    name: str

    def run(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run a command as this account (``runuser``); never raises on failure."""
        return subprocess.run(
            ["runuser", "-u", self.name, "--", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def other_account_or_skip() -> Iterator[OtherAccount]:
    """Create the account for the duration of a test (skipped unless running as root)."""
    if os.geteuid() != 0:
        pytest.skip("creating a second OS account needs root (useradd); run the tests as root")
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        pytest.skip("useradd and runuser are not installed")
    name = f"kjother{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    try:
        yield OtherAccount(name)
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)
