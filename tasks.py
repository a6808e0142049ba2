#!/usr/bin/env python3
"""Set-up and everyday tasks, with nothing but Python 3.11+ on the machine.

    python3 tasks.py demo         # build the virtual environment, then run `kratom-journal demo`
    python3 tasks.py test         # build it, install the test system packages, then run ruff
                                  # check, ruff format --check, mypy, lint-imports and pytest
    python3 tasks.py screenshots  # run the tests that save the docs' images, into docs/screenshots
    python3 tasks.py cli-docs     # write docs/cli.md from the commands' own help

The virtual environment (.venv) is rebuilt whenever requirements.lock or
pyproject.toml change. System packages the tests need (Debian's chromium,
postgresql, poppler-utils and WeasyPrint's Pango) are installed with apt-get
when missing and the script runs as root; otherwise it says what to install.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".kratom-journal-stamp"
SYSTEM_PACKAGES = {
    # Debian package: a file (glob) that shows it is installed
    "chromium": "/usr/bin/chromium",
    "postgresql": "/usr/lib/postgresql",
    "poppler-utils": "/usr/bin/pdftoppm",
    "libpango-1.0-0": "/usr/lib/*/libpango-1.0.so.0",
    "libpangoft2-1.0-0": "/usr/lib/*/libpangoft2-1.0.so.0",
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu",
    "nodejs": "/usr/bin/node",
    "npm": "/usr/bin/npm",
    "libnss3-tools": "/usr/bin/certutil",  # trusts the test CA for the HTTPS browser tests
}


def run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def must(*args: str | Path) -> None:
    code = run(*args)
    if code != 0:
        sys.exit(code)


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the pinned dependencies and the project (editable)."""
    wanted = fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted and (BIN / "kratom-journal").exists():
        return
    if not (BIN / "python").exists():
        must(sys.executable, "-m", "venv", VENV)
    python = BIN / "python"
    if run(python, "-m", "pip", "install", "-q", "uv") == 0:
        must(
            python,
            "-m",
            "uv",
            "pip",
            "install",
            "-q",
            "--python",
            python,
            "-r",
            "requirements.lock",
        )
        must(python, "-m", "uv", "pip", "install", "-q", "--python", python, "--no-deps", "-e", ".")
    else:
        must(python, "-m", "pip", "install", "-q", "-r", "requirements.lock")
        must(python, "-m", "pip", "install", "-q", "--no-deps", "-e", ".")
    # Byte-compile the installed packages once: every later process (a test worker, each
    # `kj` a test starts) loads them instead of compiling them again, even where the
    # environment forbids writing bytecode caches (PYTHONDONTWRITEBYTECODE).
    run(python, "-m", "compileall", "-qq", "-j", "0", VENV / "lib")
    STAMP.write_text(wanted)


def ensure_system_packages() -> None:
    """Install what the tests need from Debian's packages, when missing and possible."""
    missing = [name for name, marker in SYSTEM_PACKAGES.items() if not glob.glob(marker)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"Missing system packages for the full test suite: {' '.join(missing)}\n"
            f"Install them (Debian/Ubuntu: sudo apt-get install {' '.join(missing)})."
        )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    must("apt-get", "update", "-qq")
    code = run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)
    if code != 0:
        sys.exit(code)


def ensure_node_packages() -> None:
    """The browser tests' accessibility checker (axe-core) comes from the npm registry."""
    folder = ROOT / "tests" / "web"
    if (folder / "package.json").exists() and not (folder / "node_modules").exists():
        must("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", folder)


LINTED = ("src", "tests", "bench", "tools", "tasks.py")
SCREENSHOTS_ENV = "KJ_SCREENSHOTS"  # read by tests/conftest.py (the screenshot_dir fixture)


def test(extra: list[str]) -> int:
    ensure_venv()
    ensure_system_packages()
    ensure_node_packages()
    must(BIN / "ruff", "check", *LINTED)
    must(BIN / "ruff", "format", "--check", *LINTED)
    must(BIN / "mypy")
    must(BIN / "lint-imports", "--no-cache")
    before = worktree_state()
    code = run(BIN / "python", "-m", "pytest", *extra)
    if code == 5:
        print("pytest collected no tests: that is a failure here.")
        code = 1
    after = worktree_state()
    changed = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    if changed:
        print("The test run changed files in the work tree (tests must write to temp folders):")
        for path in changed:
            print(f"  {path}")
        code = code or 1
    return code


def worktree_state() -> dict[str, str]:
    """Each changed or untracked (not ignored) file of the git work tree, with its content hash.

    Compared before and after the tests, so that local edits do not count against them.
    """
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return {}
    listing = subprocess.run(
        ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    fields = iter(listing.split("\0"))
    state: dict[str, str] = {}
    for field in fields:
        if not field:
            continue
        status, path = field[:2], field[3:]
        if "R" in status or "C" in status:
            next(fields, None)  # the name it was renamed or copied from
        target = ROOT / path
        if target.is_file():
            state[path] = status + hashlib.sha256(target.read_bytes()).hexdigest()
        else:
            state[path] = status
    return state


def screenshots(extra: list[str]) -> int:
    """Run the tests that save images, writing them into docs/screenshots."""
    ensure_venv()
    ensure_system_packages()
    ensure_node_packages()
    env = {**os.environ, SCREENSHOTS_ENV: "docs"}
    return run(
        BIN / "python",
        "-m",
        "pytest",
        "-m",
        "screenshots",
        "-p",
        "no:cacheprovider",
        *extra,
        env=env,
    )


def cli_docs(extra: list[str]) -> int:
    """Write docs/cli.md from the help of every command."""
    ensure_venv()
    return run(BIN / "python", "tools/cli_docs.py", *extra)


def demo(extra: list[str]) -> int:
    ensure_venv()
    return run(BIN / "kratom-journal", "demo", *extra)


def main() -> None:
    tasks = {"test": test, "demo": demo, "screenshots": screenshots, "cli-docs": cli_docs}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__)
        sys.exit(2)
    sys.exit(tasks[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
