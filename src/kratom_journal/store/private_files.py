"""Files only their owner may read: the journal, its backups, exports, reports and keys.

A journal holds doses and PHQ-9 answers, so every file the program writes is
created ``0600`` and every folder it creates ``0700``, whatever the umask: the
mode is set with ``fchmod``/``chmod`` after creation, since ``os.open``'s mode is
masked by the umask. One helper is used everywhere, so that no writer forgets.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) as folders only the owner can enter.

    Folders that exist already are left as they are, except that a folder this
    program created earlier keeps ``0700``; a person's own folders are theirs.
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, FOLDER_MODE)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(20, "is a file, not a folder", str(path))
    return path


def create_private_file(path: Path) -> Path:
    """Create ``path`` empty (or truncate it) with mode ``0600``; returns the path.

    A writer that opens the file by name afterwards (SQLite, Parquet) keeps the mode.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    return Path(path)


def make_private(path: Path) -> None:
    """Give an existing file of ours mode ``0600`` (files of other owners are left alone)."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        return
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, FILE_MODE)


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (a ``0600`` temporary file renamed into place)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
        view = memoryview(payload)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
    except BaseException:
        os.close(descriptor)
        temporary.unlink(missing_ok=True)
        raise
    os.close(descriptor)
    temporary.replace(path)


def partial_path(path: Path) -> Path:
    """The private temporary name a file is written under before it is renamed into place."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    return create_private_file(temporary)
