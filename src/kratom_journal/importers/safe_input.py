"""Opening untrusted export files safely: zip archives, folders and plain files.

Exports come from anywhere, so every archive is checked before a byte is
decompressed: member names (no absolute paths, no ``..``), encryption, nested
archives, member count, declared total size and compression ratio. Members are
streamed with :meth:`zipfile.ZipFile.open` and never extracted to disk; bytes are
counted while reading because zip headers can lie.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO


class InputRejected(Exception):
    """The input cannot be imported at all; ``str()`` is one line naming the file."""

    def __init__(self, file: str | Path, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = str(file)
        self.message = message


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Caps applied to every archive before and while reading it."""

    max_members: int = 20_000
    max_total_bytes: int = 20 * 1024**3
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024
    """Members smaller than this are not ratio-checked (tiny files compress oddly)."""


DEFAULT_LIMITS = ZipLimits()

progress_sink: ContextVar[Callable[[int], None] | None] = ContextVar("progress_sink", default=None)
"""Receives the number of bytes on disk consumed by each read, for progress bars."""
ARCHIVE_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
CHUNK = 1024 * 1024


def is_zip(path: Path) -> bool:
    """True when ``path`` is a regular file starting with a zip signature."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _unsafe_name(name: str) -> str | None:
    if "\x00" in name:
        return "a member name contains a NUL byte"
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return f"member {name!r} has an absolute path"
    if ".." in PurePosixPath(normalized).parts:
        return f"member {name!r} points outside the archive ('..')"
    return None


def check_archive(archive: zipfile.ZipFile, label: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`InputRejected` unless every member of ``archive`` is safe to stream."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise InputRejected(
            label, f"archive has {len(members)} members (limit {limits.max_members})"
        )
    total = 0
    for info in members:
        problem = _unsafe_name(info.filename)
        if problem:
            raise InputRejected(label, f"unsafe archive: {problem}")
        if info.flag_bits & 0x1:
            raise InputRejected(
                label, f"member {info.filename!r} is encrypted; export again without a password"
            )
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES) and not info.is_dir():
            raise InputRejected(
                label,
                f"member {info.filename!r} is itself an archive; unpack the outer archive and "
                "import the inner file",
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise InputRejected(
                label, f"archive expands to more than {limits.max_total_bytes} bytes (zip bomb?)"
            )
        if info.file_size >= limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise InputRejected(
                    label,
                    f"member {info.filename!r} compresses {ratio:.0f}:1 "
                    f"(limit {limits.max_ratio:.0f}:1, zip bomb?)",
                )


class CountingReader:
    """A read-only byte stream that stops at a size cap and counts what it delivered.

    ``on_progress`` receives the number of *source* bytes consumed so far, which a
    progress bar compares with the size of the file on disk.
    """

    def __init__(self, raw: IO[bytes], label: str, cap: int, disk_ratio: float = 1.0) -> None:
        self._raw = raw
        self._label = label
        self._cap = cap
        self._disk_ratio = disk_ratio
        self._sink = progress_sink.get()
        self.delivered = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._raw.read(CHUNK if size is None or size < 0 else size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise InputRejected(self._label, f"archive is damaged or truncated ({error})") from None
        self.delivered += len(data)
        if self.delivered > self._cap:
            raise InputRejected(
                self._label, f"member is larger than its archive header says ({self._cap} bytes)"
            )
        if self._sink is not None and data:
            self._sink(round(len(data) * self._disk_ratio))
        return data

    def close(self) -> None:
        self._raw.close()


@dataclass(frozen=True, slots=True)
class Member:
    """One file to read: a zip member or a file in a folder."""

    name: str
    size: int


class InputBundle:
    """A zip archive, a folder or a single file, presented as named members."""

    def __init__(self, path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.label = path.name
        self._limits = limits
        self._zip: zipfile.ZipFile | None = None
        if not path.exists():
            raise InputRejected(path, "no such file or folder")
        if path.is_dir():
            self.kind = "folder"
        elif is_zip(path):
            self.kind = "zip"
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                raise InputRejected(path, f"not a readable zip archive ({error})") from None
            check_archive(self._zip, self.label, limits)
        else:
            self.kind = "file"
        self._members: list[Member] | None = None
        self._heads: dict[tuple[str, int], bytes] = {}
        self.memo: dict[object, object] = {}
        """What importers learnt about members (a database's schema), shared by
        recognising the bundle and importing it."""

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> InputBundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def total_bytes(self) -> int:
        """Size on disk of everything this bundle may read (for progress)."""
        if self.kind == "folder":
            return sum(m.size for m in self.members())
        return self.path.stat().st_size

    def members(self) -> list[Member]:
        """Regular files in the bundle, archive-relative (symbolic links are ignored)."""
        if self._members is None:
            self._members = self._list_members()
        return list(self._members)

    def _list_members(self) -> list[Member]:
        if self._zip is not None:
            return [Member(i.filename, i.file_size) for i in self._zip.infolist() if not i.is_dir()]
        if self.kind == "file":
            return [Member(self.path.name, self.path.stat().st_size)]
        found: list[Member] = []
        for root, dirs, files in os.walk(self.path, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                full = Path(root, name)
                info = full.lstat()
                if stat.S_ISREG(info.st_mode):
                    relative = full.relative_to(self.path).as_posix()
                    found.append(Member(relative, info.st_size))
        if len(found) > self._limits.max_members:
            raise InputRejected(
                self.label, f"folder has more than {self._limits.max_members} files"
            )
        return found

    def find(self, accept: Callable[[Member], bool]) -> list[Member]:
        """Members for which ``accept`` is true, in name order."""
        return sorted((m for m in self.members() if accept(m)), key=lambda m: m.name)

    def head(self, member: Member, size: int = 1024) -> bytes:
        """The first ``size`` bytes of a member (for format detection; remembered)."""
        key = (member.name, size)
        found = self._heads.get(key)
        if found is None:
            with self.open(member) as stream:
                found = stream.read(size)
            if len(self._heads) < 4096:
                self._heads[key] = found
        return found

    @contextmanager
    def open(self, member: Member) -> Iterator[CountingReader]:
        """Stream a member's bytes, capped at its declared size."""
        if self._zip is not None:
            info = self._zip.getinfo(member.name)
            try:
                raw: IO[bytes] = self._zip.open(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise InputRejected(self.label, f"cannot read {member.name!r} ({error})") from None
            reader = CountingReader(
                raw,
                f"{self.label}:{member.name}",
                min(info.file_size, self._limits.max_total_bytes),
                disk_ratio=info.compress_size / max(info.file_size, 1),
            )
        else:
            full = self.path if self.kind == "file" else self.path / member.name
            raw = open(full, "rb")  # closed by the context manager below
            reader = CountingReader(raw, member.name, 1 << 62)
        try:
            yield reader
        finally:
            reader.close()

    def display(self, member: Member) -> str:
        """How messages name a member: ``export.zip:apple_health_export/export.xml``."""
        if self.kind == "file":
            return self.label
        return f"{self.label}:{member.name}"
