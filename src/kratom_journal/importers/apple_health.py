"""Apple Health export (``export.zip`` or ``export.xml``), streamed.

Two readers give the same records in document order:

* :func:`scan_records`, the default, is a byte-level pre-filter. It looks only for
  ``type="…"`` values of the record types kept (sleep, heart rate, HRV SDNN,
  resting heart rate, respiratory rate), parses the enclosing ``<Record>`` start tag
  with an exact attribute grammar and skips everything else without building
  elements. It never expands entities, so DTD tricks have nothing to act on.
* :func:`parse_full` runs a hardened lxml ``iterparse`` over the same bytes with the
  ``<!DOCTYPE …]>`` block replaced by blank lines (which fixes the malformed iOS 16
  DTD and removes entity and external-entity attacks while keeping line numbers).

The scanner hands over to the full parser when it meets a comment, CDATA section or
processing instruction after the prolog, where text could look like a record
without being one. Tests check both readers agree on generated exports.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape as _html_unescape
from pathlib import Path
from typing import Final

from kratom_journal.importers.safe_input import CountingReader, InputBundle, InputRejected, Member
from kratom_journal.importers.window_filter import NearSleep
from kratom_journal.sleep.samples import (
    Metric,
    MetricSample,
    ParseIssue,
    Record,
    SleepSample,
    SourceRef,
    Stage,
)

VENDOR: Final = "apple-health"

SLEEP_TYPE: Final = "HKCategoryTypeIdentifierSleepAnalysis"
METRIC_TYPES: Final[dict[str, Metric]] = {
    "HKQuantityTypeIdentifierHeartRate": Metric.HEART_RATE,
    "HKQuantityTypeIdentifierHeartRateVariabilitySDNN": Metric.HRV_SDNN,
    "HKQuantityTypeIdentifierRestingHeartRate": Metric.RESTING_HEART_RATE,
    "HKQuantityTypeIdentifierRespiratoryRate": Metric.RESPIRATORY_RATE,
}
KEPT_TYPES: Final = frozenset({SLEEP_TYPE, *METRIC_TYPES})

# Values across iOS versions; the raw integers appear in some third-party exports.
SLEEP_VALUES: Final[dict[str, Stage]] = {
    "HKCategoryValueSleepAnalysisInBed": Stage.IN_BED,
    "HKCategoryValueSleepAnalysisAsleep": Stage.ASLEEP_UNSPECIFIED,
    "HKCategoryValueSleepAnalysisAsleepUnspecified": Stage.ASLEEP_UNSPECIFIED,
    "HKCategoryValueSleepAnalysisAwake": Stage.AWAKE,
    "HKCategoryValueSleepAnalysisAsleepCore": Stage.LIGHT,
    "HKCategoryValueSleepAnalysisAsleepDeep": Stage.DEEP,
    "HKCategoryValueSleepAnalysisAsleepREM": Stage.REM,
    "0": Stage.IN_BED,
    "1": Stage.ASLEEP_UNSPECIFIED,
    "2": Stage.AWAKE,
    "3": Stage.LIGHT,
    "4": Stage.DEEP,
    "5": Stage.REM,
}

_INFINITY: Final = float("inf")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND: Final = timedelta(milliseconds=1)
_HEART: Final = Metric.HEART_RATE
READ_SIZE: Final = 1024 * 1024
MAX_DOCTYPE: Final = 4 * 1024 * 1024
MAX_TAG: Final = 64 * 1024
MAX_REPORTED_CONTROL: Final = 20

# One scan finds the kept types in Apple's own spelling (``type="HK…"``) and any
# other spelling of a ``type`` attribute, which sends the file to the full parser.
_KEPT_TYPE_ATTR = re.compile(
    rb"""type(?:="(HKCategoryTypeIdentifierSleepAnalysis|"""
    rb"""HKQuantityTypeIdentifier(?:HeartRate(?:VariabilitySDNN)?|RestingHeartRate|"""
    rb"""RespiratoryRate))"|\s*=\s*'|\s+=|=\s)"""
)
_ATTRIBUTE = rb"""\s+([A-Za-z_:][-\w.:]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')"""
_TAG = re.compile(rb"<([A-Za-z_:][-\w.:]*)(?:" + _ATTRIBUTE + rb")*\s*(/?)>")
_ATTRIBUTES_TEXT = re.compile(_ATTRIBUTE.decode())
_SIMPLE_ATTRIBUTE = re.compile(r' (\w+)="([^"]*)"')
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_UNSAFE_MARKUP = re.compile(rb"<!--|<!\[CDATA\[|<\?|<!DOCTYPE|<!ENTITY")
_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")
_DEVICE_POINTER_BYTES = re.compile(rb"HKDevice: 0x[0-9A-Fa-f]+")
_DEVICE_POINTER = re.compile(r"<<HKDevice: 0x[0-9A-Fa-f]+>,\s*")
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]+")
_END_OF_DOCUMENT = re.compile(rb"</HealthData\s*>\s*$")


class _NeedsFullParser(Exception):
    """Markup the pre-filter cannot judge was found; the full parser takes over."""


# --------------------------------------------------------------------------- files


def is_export_head(head: bytes) -> bool:
    """True when the first KiB of an XML file looks like an Apple Health export."""
    return b"<!DOCTYPE HealthData" in head or b"<HealthData" in head


MAX_DEPTH: Final = 3
"""Folders above ``export.xml`` that are searched (Apple's zip has one; unzipping
into a folder of its own, or zipping that folder again, adds more)."""


def export_members(bundle: InputBundle) -> list[Member]:
    """The export XML of a bundle, whatever its localized name, shallowest first.

    ``export_cda.xml`` (clinical documents) is never chosen. Detection uses this too.
    """
    candidates = sorted(
        bundle.find(
            lambda m: (
                m.name.lower().endswith(".xml")
                and not m.name.lower().endswith("export_cda.xml")
                and m.name.count("/") <= MAX_DEPTH
            )
        ),
        key=lambda m: (m.name.count("/"), m.name),
    )
    for member in candidates:
        if is_export_head(bundle.head(member)):
            return [member]
    return []


def find_export(bundle: InputBundle) -> Member:
    """The one export XML of a bundle; :class:`InputRejected` if there is none."""
    found = export_members(bundle)
    if not found:
        raise InputRejected(
            bundle.label, "no Apple Health export.xml found (expected <HealthData> in an .xml file)"
        )
    return found[0]


@dataclass(slots=True)
class TagMemory:
    """Digests of ``<Record>`` tags imported before, so a newer export skips them early.

    A tag whose bytes (with Apple's per-export device pointer removed) were seen in
    an earlier import is the same sample, already saved: it is counted in
    ``skipped`` and not parsed again. ``new`` collects the digests of the tags read
    this time; ``skipped_starts`` the ``YYYY-MM-DD HH`` of skipped samples' starts.
    """

    known: set[int] = field(default_factory=set)
    new: array[int] = field(default_factory=lambda: array("q"))
    skipped: int = 0
    skipped_starts: set[bytes] = field(default_factory=set)


def tag_digest(tag: bytes) -> int:
    """A 64-bit digest of a Record start tag, independent of the device pointer.

    >>> tag_digest(b'<Record device="&lt;&lt;HKDevice: 0x2820aa000&gt;, name:Watch&gt;"/>') == (
    ...     tag_digest(b'<Record device="&lt;&lt;HKDevice: 0x1f&gt;, name:Watch&gt;"/>'))
    True
    """
    pointer = tag.find(b"HKDevice: 0x")
    if pointer == -1:
        return int.from_bytes(hashlib.blake2b(tag, digest_size=8).digest(), "big", signed=True)
    digits = _HEX_DIGITS.match(tag, pointer + 12)
    end = digits.end() if digits else pointer + 12
    digest = hashlib.blake2b(tag[:pointer], digest_size=8)
    digest.update(tag[end:])
    if b"HKDevice: 0x" in tag[end:]:  # a second pointer: the exact (slower) rule
        return int.from_bytes(
            hashlib.blake2b(_DEVICE_POINTER_BYTES.sub(b"", tag), digest_size=8).digest(),
            "big",
            signed=True,
        )
    return int.from_bytes(digest.digest(), "big", signed=True)


def parse(
    path: Path,
    *,
    zone: str | None = None,  # noqa: ARG001 (every importer's signature)
    full: bool = False,
    memory: TagMemory | None = None,
    near: NearSleep | None = None,
) -> Iterator[Record | ParseIssue]:
    """Yield sleep and heart samples from an Apple Health export.

    Parameters
    ----------
    path
        ``export.zip`` (any name), the unzipped folder, or the bare XML file.
    zone
        Unused: Apple writes each time with its UTC offset.
    full
        Use the full XML parser instead of the byte-level pre-filter.
    memory
        Tags imported before (skipped) and, on return, the tags read now.
    near
        The filter that keeps heart rate only near sleep: heart-rate readings in
        Apple's own layout go to it straight from their bytes (:meth:`NearSleep.hold_raw`),
        without a record being built; the filter releases those near sleep.
    """
    with InputBundle(Path(path)) as bundle:
        member = find_export(bundle)
        yield from parse_member(bundle, member, full=full, memory=memory, near=near)


def parse_member(
    bundle: InputBundle,
    member: Member,
    *,
    full: bool = False,
    memory: TagMemory | None = None,
    near: NearSleep | None = None,
) -> Iterator[Record | ParseIssue]:
    """Records from one export member of an open bundle."""
    label = bundle.display(member)
    if full:
        with bundle.open(member) as stream:
            yield from parse_full(stream, label)
        return
    # If the pre-filter hands over mid-file, the full parser starts again from the
    # top and what was already consumed is skipped (both read in document order).
    # Consumed records are those yielded and those recognised from an earlier import,
    # which ``memory.skipped`` has counted already.
    yielded_records = yielded_issues = 0
    remembered_before = memory.skipped if memory is not None else 0
    held_before = near.held_raw if near is not None else 0
    with bundle.open(member) as stream:
        try:
            for item in scan_records(stream, label, memory, near):
                if isinstance(item, ParseIssue):
                    yielded_issues += 1
                else:
                    yielded_records += 1
                yield item
            return
        except _NeedsFullParser:
            if memory is not None:
                yielded_records += memory.skipped - remembered_before
            if near is not None:
                yielded_records += near.held_raw - held_before
    with bundle.open(member) as stream:
        for item in parse_full(stream, label):
            if isinstance(item, ParseIssue):
                if yielded_issues:
                    yielded_issues -= 1
                    continue
            elif yielded_records:
                yielded_records -= 1
                continue
            yield item


# ------------------------------------------------------------------------ records


class _RecordBuilder:
    """Turns a Record's attribute strings into samples, caching sources and offsets."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._sources: dict[tuple[str, str | None, str | None], SourceRef] = {}
        self._prefixes: dict[bytes, int | None] = {}
        self._days: dict[bytes, tuple[int, int]] = {}
        self.entity_cache: dict[str, str] = {}

    def stamp(self, text: bytes) -> tuple[int, int]:
        """UTC milliseconds and offset seconds of Apple's ``2024-01-15 23:04:05 -0800``.

        The instant of each day's midnight at each offset is computed once (readings
        come thousands to a day); the offset is fixed, so the time of day is added to it.
        """
        day = text[:10] + text[19:]
        found = self._days.get(day)
        if found is None:
            moment = parse_time(text[:10].decode("ascii") + " 00:00:00" + text[19:].decode("ascii"))
            offset = moment.utcoffset()
            found = (
                (moment - _EPOCH) // _MILLISECOND,
                int(offset.total_seconds()) if offset else 0,
            )
            if len(self._days) > 20_000:
                self._days.clear()
            self._days[day] = found
        clock = text[11:13] + text[14:16] + text[17:19]
        if text[10:14:3] + text[16:17] != b" ::" or not clock.isdigit():
            raise ValueError("not Apple's date layout")
        hours, minutes, seconds = int(clock[:2]), int(clock[2:4]), int(clock[4:])
        if hours > 23 or minutes > 59 or seconds > 59:
            raise ValueError("hour, minute or second out of range")
        return found[0] + (hours * 3600 + minutes * 60 + seconds) * 1000, found[1]

    def heart_kind(self, attributes: bytes, near: NearSleep) -> int | None:
        """``near``'s index of the heart rate of the source named in a tag's attributes
        (those between its type and ``creationDate``); remembered per spelling."""
        found = self._prefixes.get(attributes, False)
        if found is False:
            found = None
            try:
                attrs = _attributes(
                    '<Record type="x"' + attributes.decode("utf-8") + ">", self.entity_cache
                )
                source = self.source(
                    attrs.get("sourceName") or "unknown",
                    attrs.get("sourceVersion"),
                    attrs.get("device"),
                )
                found = near.kind_index(source, _HEART)
            except (ValueError, UnicodeDecodeError):
                pass
            if len(self._prefixes) < 10_000:
                self._prefixes[attributes] = found
        return found

    def source(self, name: str, version: str | None, device: str | None) -> SourceRef:
        key = (name, version, device)
        found = self._sources.get(key)
        if found is None:
            clean_device = _DEVICE_POINTER.sub("<", device).strip() if device else None
            found = SourceRef(VENDOR, name, version or None, clean_device or None)
            self._sources[key] = found
        return found

    def build(self, attrs: dict[str, str], line: int | None) -> Record | ParseIssue:
        kind = attrs.get("type", "")
        try:
            start_text, end_text = attrs["startDate"], attrs["endDate"]
            start = parse_time(start_text)
            # Instantaneous readings (heart rate) start and end at the same moment.
            end = start if end_text == start_text else parse_time(end_text)
        except KeyError as missing:
            return self.issue(f"{kind} record has no {missing.args[0]}", line)
        except ValueError as error:
            return self.issue(f"{kind} record: {error}", line)
        if end < start:
            return self.issue(f"{kind} record ends before it starts", line)
        source = self.source(
            attrs.get("sourceName") or "unknown", attrs.get("sourceVersion"), attrs.get("device")
        )
        raw_value = attrs.get("value", "")
        if kind == SLEEP_TYPE:
            stage = SLEEP_VALUES.get(raw_value)
            if stage is None:
                return self.issue(f"unknown sleep value {raw_value!r}", line)
            return SleepSample(source, start, end, stage)
        try:
            value = float(raw_value)
        except ValueError:
            return self.issue(f"{kind} value {raw_value!r} is not a number", line)
        if not 0 <= value < _INFINITY:
            return self.issue(f"{kind} value {raw_value!r} is out of range", line)
        return MetricSample(source, METRIC_TYPES[kind], start, end, value)

    def issue(self, message: str, line: int | None, severity: str = "error") -> ParseIssue:
        return ParseIssue(self.label, message, line=line, severity=severity)


def parse_time(text: str) -> datetime:
    """Parse Apple's ``2024-01-15 23:04:05 -0800`` into an aware datetime.

    >>> parse_time("2024-01-15 23:04:05 -0800").isoformat()
    '2024-01-15T23:04:05-08:00'
    """
    if len(text) == 25 and text[19] == " ":
        text = text[:19] + text[20:]
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not 'YYYY-MM-DD HH:MM:SS ±HHMM'") from None
    if value.tzinfo is None:
        raise ValueError(f"date {text!r} has no UTC offset")
    return value


def _split_attributes(text: str) -> dict[str, str] | None:
    """Attributes of a ``<Record a="…" b="…"/>`` tag in Apple's own layout (fast path).

    Returns ``None`` unless every quote belongs to a plain ``␠name="value"`` pair;
    the exact attribute grammar then reads the tag.
    """
    pairs = _SIMPLE_ATTRIBUTE.findall(text)
    if len(pairs) * 2 != text.count('"'):
        return None
    return dict(pairs)


def _attributes(text: str, cache: dict[str, str]) -> dict[str, str]:
    """Attributes of one start tag, unescaped and normalized as an XML parser would."""
    attrs = _split_attributes(text)
    if attrs is None:
        attrs = {}
        for match in _ATTRIBUTES_TEXT.finditer(text, 7):
            attrs[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
    if "\t" in text or "\n" in text or "\r" in text:
        # XML attribute-value normalization turns these into spaces.
        attrs = {k: re.sub(r"\r\n|[\t\n\r]", " ", v) for k, v in attrs.items()}
    if "&" in text:
        for key, value in attrs.items():
            if "&" in value:
                clean = cache.get(value)
                if clean is None:
                    clean = _unescape(value)
                    if len(cache) < 10_000:
                        cache[value] = clean
                attrs[key] = clean
    return attrs


def _unescape(value: str) -> str:
    if "&" not in value:
        return value
    if _ENTITY.search(value):
        raise ValueError("uses an entity that is not defined (DTD entities are not expanded)")
    return _html_unescape(value)


# ------------------------------------------------------------------ fast scanner


def _skip_prolog(stream: CountingReader, label: str) -> tuple[bytes, int]:
    """Read past the XML declaration and DOCTYPE; return the rest and the lines skipped."""
    buffer = b""
    while True:
        data = stream.read(READ_SIZE)
        buffer += data
        root = buffer.find(b"<HealthData")
        doctype = buffer.find(b"<!DOCTYPE")
        if doctype != -1 and (root == -1 or doctype < root):
            end = _doctype_end(buffer, doctype)
            if end is not None:
                lines = buffer.count(b"\n", 0, end)
                return buffer[end:], lines
        elif root != -1:
            lines = buffer.count(b"\n", 0, root)
            return buffer[root:], lines
        if not data:
            raise InputRejected(label, "no <HealthData> element: not an Apple Health export")
        if len(buffer) > MAX_DOCTYPE:
            raise InputRejected(label, "the DOCTYPE block is too long or never closed")


def _doctype_end(buffer: bytes, start: int) -> int | None:
    """Index just past the DOCTYPE at ``start`` (``]>`` for an internal subset)."""
    bracket = buffer.find(b"[", start)
    close = buffer.find(b">", start)
    if close != -1 and (bracket == -1 or close < bracket):
        return close + 1
    if bracket == -1:
        return None
    end = buffer.find(b"]>", bracket)
    if end == -1:
        end_spaced = re.search(rb"\]\s+>", buffer[bracket:])
        return bracket + end_spaced.end() if end_spaced else None
    return end + 2


def scan_records(
    stream: CountingReader,
    label: str,
    memory: TagMemory | None = None,
    near: NearSleep | None = None,
) -> Iterator[Record | ParseIssue]:
    """Byte-level pre-filter: yield kept records without parsing the rest of the XML."""
    builder = _RecordBuilder(label)
    rest, line_base = _skip_prolog(stream, label)
    control_seen = 0
    carry = b""
    pending = rest
    last_tail = b""
    while True:
        data = pending or stream.read(READ_SIZE)
        pending = b""
        at_end = not data
        chunk = carry + data
        if not at_end:
            # Cut after a tag that ends a line (Apple's layout), so a ">" inside an
            # attribute value cannot split a tag between chunks.
            cut = chunk.rfind(b">\n") + 1
            if cut == 0:
                if len(chunk) <= MAX_TAG:
                    carry = chunk
                    continue
                cut = chunk.rfind(b">") + 1
                if cut == 0:
                    raise InputRejected(label, f"line {line_base + 1}: markup too long")
            chunk, carry = chunk[:cut], chunk[cut:]
        else:
            carry = b""
        if _UNSAFE_MARKUP.search(chunk):
            raise _NeedsFullParser
        for item in _records_in(chunk, builder, line_base, memory, near):
            if isinstance(item, ParseIssue) and item.message.startswith("illegal control"):
                control_seen += 1
                if control_seen > MAX_REPORTED_CONTROL:
                    continue
            yield item
        line_base += chunk.count(b"\n")
        if chunk.strip():
            last_tail = (last_tail + chunk)[-64:]
        if at_end:
            break
    if control_seen > MAX_REPORTED_CONTROL:
        yield ParseIssue(
            label,
            f"{control_seen - MAX_REPORTED_CONTROL} more illegal control characters removed",
            severity="warning",
        )
    if not _END_OF_DOCUMENT.search(last_tail):
        yield ParseIssue(
            label,
            "file ends before </HealthData>: the export is truncated; records before this "
            "point were read",
            line=line_base + 1,
        )


def _control_issue(label: str, chunk: bytes, position: int, line_base: int) -> ParseIssue:
    line_start = chunk.rfind(b"\n", 0, position) + 1
    return ParseIssue(
        label,
        f"illegal control character 0x{chunk[position]:02x} removed",
        line=line_base + chunk.count(b"\n", 0, position) + 1,
        column=position - line_start + 1,
        severity="warning",
    )


def _records_in(
    chunk: bytes,
    builder: _RecordBuilder,
    line_base: int,
    memory: TagMemory | None = None,
    near: NearSleep | None = None,
) -> Iterator[Record | ParseIssue]:
    last_tag = -1
    # bytes.translate runs at memory speed; a regex search of the chunk would cost a second.
    clean = near is not None and len(chunk.translate(None, _CONTROL_BYTES)) == len(chunk)
    for hit in _KEPT_TYPE_ATTR.finditer(chunk):
        if hit.group(1) is None:
            raise _NeedsFullParser
        tag_start = chunk.rfind(b"<", 0, hit.start())
        if tag_start <= last_tag:
            continue
        last_tag = tag_start
        heart = (
            _HEART_TAG.match(chunk, tag_start) if clean and hit.group(1) == _HEART_RATE else None
        )
        # Heart rate in Apple's layout costs less to read than to recognise by digest, and
        # the readings away from sleep are not stored: no digest is kept for them.
        if heart is not None and near is not None and _hold_heart(heart, builder, near):
            continue
        # Apple's own layout: the tag ends at the first ">" and its quotes pair up.
        tag_end = chunk.find(b">", hit.end()) + 1
        tag = chunk[tag_start:tag_end]
        if not (
            tag_end
            and tag.startswith(b"<Record ")
            and tag.count(b'"') % 2 == 0
            and b"'" not in tag
            and b"<" not in tag[1:]
        ):
            match = _TAG.match(chunk, tag_start)
            if match is None:
                if chunk.startswith(b"<Record", tag_start):
                    yield builder.issue(
                        "malformed <Record> tag", line_base + chunk.count(b"\n", 0, tag_start) + 1
                    )
                continue
            if match.group(1) != b"Record" or match.end() < hit.end():
                continue
            tag, tag_end = match.group(0), match.end()
        digest = 0
        if memory is not None:
            digest = tag_digest(tag)
            if digest in memory.known:
                memory.skipped += 1
                start = tag.find(b'startDate="')
                if start != -1:
                    memory.skipped_starts.add(tag[start + 11 : start + 24])
                continue
        text = tag.decode("utf-8", "replace")
        # isprintable() is a fast C test; only unusual tags get the exact scan.
        if not text.isprintable() and _CONTROL.search(tag):
            for bad in _CONTROL.finditer(chunk, tag_start, tag_end):
                yield _control_issue(builder.label, chunk, bad.start(), line_base)
            text = _CONTROL.sub(b"", tag).decode("utf-8", "replace")
        try:
            attrs = _attributes(text, builder.entity_cache)
        except ValueError as error:
            line = line_base + chunk.count(b"\n", 0, tag_start) + 1
            yield builder.issue(f"Record: {error}", line)
            continue
        if attrs.get("type") not in KEPT_TYPES:
            continue
        result = builder.build(attrs, None)
        if isinstance(result, ParseIssue):
            line = line_base + chunk.count(b"\n", 0, tag_start) + 1
            result = builder.issue(result.message, line)
        elif memory is not None:
            memory.new.append(digest)
        yield result


_HEART_RATE: Final = b"HKQuantityTypeIdentifierHeartRate"
_HEART_TAG = re.compile(
    rb'<Record type="HKQuantityTypeIdentifierHeartRate"([^<>"]*(?:"[^<>"]*"[^<>"]*)*?)'
    rb' creationDate="[^<>"]{25}" startDate="([^<>"]{25})" endDate="\2" value="([^<>"]*)"'
    rb"[^<>]*>"
)
"""A heart-rate tag in Apple's own layout: the attributes before ``creationDate``
(type, source, device, unit), an instantaneous start and end, and the value."""


def _hold_heart(tag: re.Match[bytes], builder: _RecordBuilder, near: NearSleep) -> bool:
    """Hand a heart-rate tag matched by :data:`_HEART_TAG` to ``near`` without building a
    record; ``False`` (the tag then takes the exact path) when a field does not read."""
    try:
        value = float(tag.group(3))
        at_ms, offset = builder.stamp(tag.group(2))
    except ValueError:
        return False
    if not 0 <= value < _INFINITY:
        return False
    kind = builder.heart_kind(tag.group(1), near)
    if kind is None:
        return False
    near.hold_kind(at_ms, offset, value, kind)
    return True


# -------------------------------------------------------------------- full parser


class SanitizedStream:
    """Bytes of an export with the DOCTYPE blanked out and control characters removed.

    The DOCTYPE is replaced by as many newlines as it spanned so the parser's line
    numbers still match the file.
    """

    def __init__(self, stream: CountingReader, label: str, report_control: bool) -> None:
        self._stream = stream
        self._label = label
        self._prolog_done = False
        self.line_base = 0
        self._carry = b""
        self._report = report_control
        self.control_seen = 0
        self.issues: list[ParseIssue] = []
        self.eof = False

    def read(self, size: int = -1) -> bytes:
        if not self._prolog_done:
            self._prolog_done = True
            head = b""
            while len(head) < MAX_DOCTYPE:
                data = self._stream.read(READ_SIZE)
                head += data
                if not data or b"<HealthData" in head:
                    break
            start = head.find(b"<!DOCTYPE")
            root = head.find(b"<HealthData")
            if start != -1 and (root == -1 or start < root):
                end = _doctype_end(head, start)
                if end is None:
                    raise InputRejected(
                        self._label, "the DOCTYPE block is too long or never closed"
                    )
                blank = b"\n" * head.count(b"\n", start, end)
                head = head[:start] + blank + head[end:]
            return self._clean(head)
        data = self._stream.read(READ_SIZE if size is None or size < 0 else max(size, 65536))
        if not data:
            self.eof = True
        return self._clean(data)

    def _clean(self, data: bytes) -> bytes:
        if _CONTROL.search(data):
            if self._report:
                for match in _CONTROL.finditer(data):
                    self.control_seen += 1
                    if self.control_seen <= MAX_REPORTED_CONTROL:
                        self.issues.append(
                            _control_issue(self._label, data, match.start(), self.line_base)
                        )
            data = _CONTROL.sub(b"", data)
        self.line_base += data.count(b"\n")
        return data


def parse_full(
    stream: CountingReader, label: str, *, report_control: bool = True
) -> Iterator[Record | ParseIssue]:
    """Full, validating XML parse with hardened lxml (no DTD, no entities, no network)."""
    from lxml import etree

    builder = _RecordBuilder(label)
    sanitized = SanitizedStream(stream, label, report_control)
    etree.clear_error_log()
    events = etree.iterparse(
        sanitized,
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for _event, element in events:
            if sanitized.issues:
                yield from sanitized.issues
                sanitized.issues.clear()
            if element.tag == "Record" and element.get("type") in KEPT_TYPES:
                attrs = {str(k): str(v) for k, v in element.attrib.items()}
                result = builder.build(attrs, element.sourceline)
                yield result
            parent = element.getparent()
            if parent is not None and parent.getparent() is None:
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        yield from sanitized.issues
        logged = list(error.error_log)
        if logged:
            line, column, message = logged[0].line, logged[0].column, str(logged[0].message)
        else:
            line, column = error.position if error.position else (None, None)
            message = str(error.msg) if error.msg else str(error)
        message = message.strip()
        message = re.sub(r",? line \d+, column \d+$", "", message)
        at_end = sanitized.eof and line is not None and line >= sanitized.line_base
        if at_end or "Premature end" in message:
            message += " (the export looks truncated; records before this point were read)"
        yield ParseIssue(label, f"XML error: {message}", line=line, column=column)
        return
    yield from sanitized.issues
    if sanitized.control_seen > MAX_REPORTED_CONTROL:
        yield ParseIssue(
            label,
            f"{sanitized.control_seen - MAX_REPORTED_CONTROL} more illegal control characters "
            "removed",
            severity="warning",
        )
