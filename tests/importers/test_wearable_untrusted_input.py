"""Hostile exports: entity attacks, archive tricks, fuzzed bytes."""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.importers import apple_health
from kratom_journal.importers.safe_input import InputBundle, InputRejected, ZipLimits, check_archive
from kratom_journal.sleep.samples import ParseIssue

HEART = (
    '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="{name}" '
    'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-01 23:00:00 +0100" value="60"/>'
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<HealthData>\n "
    + HEART.format(name="&lol9;")
    + "\n</HealthData>\n"
)

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n'
    ' <!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>\n<HealthData>\n '
    + HEART.format(name="&xxe;")
    + "\n</HealthData>\n"
)


def _run(path: Path, full: bool) -> list[object]:
    return list(apple_health.parse(path, full=full))


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_attacks_are_neutralized(tmp_path, text, full):
    path = tmp_path / "export.xml"
    path.write_text(text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    items = _run(path, full)
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB
    assert not [i for i in items if not isinstance(i, ParseIssue)]
    problems = [i for i in items if isinstance(i, ParseIssue)]
    assert problems and problems[0].line == len(text.split("\n")) - 2
    assert "entit" in problems[0].message.lower()
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "x"
    assert all(secret not in i.message for i in problems)


def _zip(path: Path, members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../evil/export.xml", "outside the archive"),
        ("/etc/export.xml", "absolute path"),
        ("C:/temp/export.xml", "absolute path"),
        ("apple_health_export/inner.zip", "itself an archive"),
    ],
)
def test_unsafe_member_names(tmp_path, name, message):
    path = _zip(tmp_path / "bad.zip", {name: b"<HealthData/>"})
    with pytest.raises(InputRejected, match=message) as caught:
        InputBundle(path)
    assert str(caught.value).startswith("bad.zip: ")


def test_zip_bomb_ratio(tmp_path):
    path = _zip(tmp_path / "bomb.zip", {"apple_health_export/export.xml": b"\0" * (8 << 20)})
    with pytest.raises(InputRejected, match="zip bomb"):
        InputBundle(path)


def test_total_size_and_member_count_caps(tmp_path):
    path = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"x" * 100 for i in range(30)})
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(InputRejected, match="members"):
            check_archive(archive, "many.zip", ZipLimits(max_members=10))
        with pytest.raises(InputRejected, match="expands to more than"):
            check_archive(archive, "many.zip", ZipLimits(max_total_bytes=1000))


def test_encrypted_member(tmp_path):
    path = _zip(tmp_path / "locked.zip", {"apple_health_export/export.xml": b"<HealthData/>"})
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 1
    path.write_bytes(bytes(data))
    with pytest.raises(InputRejected, match="encrypted"):
        InputBundle(path)


def test_header_that_understates_size(tmp_path):
    real = b"<HealthData>" + b" " * 5000 + b"</HealthData>"
    path = _zip(tmp_path / "liar.zip", {"apple_health_export/export.xml": real}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(InputRejected):
        with InputBundle(path) as bundle:
            member = bundle.members()[0]
            with bundle.open(member) as stream:
                while stream.read(1024):
                    pass


def test_empty_and_non_zip_files(tmp_path):
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(InputRejected):
        list(apple_health.parse(empty))
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputRejected, match="not a readable zip"):
        InputBundle(junk)


def test_missing_path(tmp_path):
    with pytest.raises(InputRejected, match="no such file"):
        InputBundle(tmp_path / "nope.zip")


def test_symlinks_in_folders_are_ignored(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "link.xml").symlink_to("/etc/passwd")
    assert InputBundle(folder).members() == []


SMALL = (
    '<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n]>\n'
    "<HealthData>\n " + HEART.format(name="Watch") + "\n "
    '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
    'startDate="2024-01-01 23:00:00 +0100" endDate="2024-01-02 06:00:00 +0100" '
    'value="HKCategoryValueSleepAnalysisInBed"/>\n</HealthData>\n'
).encode()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(0, len(SMALL)),
    insert=st.binary(max_size=12),
    full=st.booleans(),
)
def test_fuzzed_exports_never_crash(tmp_path, cut, insert, full):
    path = tmp_path / "export.xml"
    path.write_bytes(SMALL[:cut] + insert + SMALL[cut:])
    try:
        items = list(apple_health.parse(path, full=full))
    except InputRejected as rejected:
        assert "\n" not in str(rejected)
        return
    for item in items:
        if isinstance(item, ParseIssue):
            assert "\n" not in item.describe()
