"""Hostile badge files: what the worst uploads cost, against a normal baked badge in the same run.

Prints one JSON object.  Target: every file a learner can upload (at most ``MAX_FILE_BYTES``, 5 MiB)
is verified in under 1 s of CPU and under 150 MB of extra memory.  Each case is verified the way an
upload is, ``BadgeVerifier.verify(from_file(data))``, offline: the baseline is a baked PNG carrying a
VC-JWT from a did:key issuer (verified, nothing fetched); the hostile files are refused before
anything would be fetched.

Each case runs in its own interpreter, so its peak memory is its own: the file is built and the
verifier warmed with the baseline file first, then ``BENCH_HOSTILE_ROUNDS`` verifications are timed
with ``time.process_time`` (median reported), then one more under ``tracemalloc``.  Memory is given two
ways: the rise of the process's peak RSS (``ru_maxrss``) over the verifications, and the tracemalloc
peak of one verification (Python allocations only: zlib output and ElementTree nodes are counted,
expat's own buffers are not).  ``ratio_to_baseline`` is the case's median CPU over the baseline's.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import statistics
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from base64 import urlsafe_b64encode
from collections.abc import Callable
from typing import Any

from core.badges.inputs import baked
from core.badges.inputs.baked import PNG_SIGNATURE
from core.badges.inputs.evidence import MAX_FILE_BYTES, from_file
from core.badges.verify import BadgeVerifier
from tests.bench import badge_signing

ROUNDS = int(os.environ.get("BENCH_HOSTILE_ROUNDS", "5"))
TARGET_CPU_S = 1.0
TARGET_EXTRA_MB = 150.0
MIB = 1024 * 1024
IHDR = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
SVG_HEAD = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
)
SVG_TAIL = b"</svg>"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _itxt(keyword: bytes, text: bytes, *, compressed: bool) -> bytes:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return _chunk(
        b"iTXt", keyword + b"\0" + flag + b"\0\0" + (zlib.compress(text, 9) if compressed else text)
    )


def _png_filled(chunk: bytes) -> bytes:
    """A PNG with ``chunk`` repeated for as long as the file stays within MAX_FILE_BYTES."""
    head, tail = PNG_SIGNATURE + _chunk(b"IHDR", IHDR), _chunk(b"IEND", b"")
    return head + chunk * ((MAX_FILE_BYTES - len(head) - len(tail)) // len(chunk)) + tail


def _svg_filled(element: bytes) -> bytes:
    return SVG_HEAD + element * ((MAX_FILE_BYTES - len(SVG_HEAD) - len(SVG_TAIL)) // len(element)) + SVG_TAIL


def _b64(data: bytes) -> bytes:
    return urlsafe_b64encode(data).rstrip(b"=")


def normal_png() -> bytes:
    token = badge_signing.vc_jwt("EdDSA").encode()
    chunk = _itxt(b"openbadgecredential", token, compressed=True)
    return PNG_SIGNATURE + _chunk(b"IHDR", IHDR) + chunk + _chunk(b"IEND", b"")


def inflation_bomb() -> bytes:
    """~4,900 badge chunks, each a ~1 KB zlib stream that inflates to 1 MiB."""
    return _png_filled(_itxt(b"openbadges", b"a" * MIB, compressed=True))


def many_tiny_chunks() -> bytes:
    return _png_filled(_chunk(b"tEXt", b"a\0b"))


def many_badge_chunks() -> bytes:
    """The baseline's own VC-JWT, baked ~4,000 times."""
    return _png_filled(
        _itxt(b"openbadgecredential", badge_signing.vc_jwt("EdDSA").encode(), compressed=False)
    )


def non_badge_bomb() -> bytes:
    """One compressed iTXt that is not a badge chunk, inflating to 1 GiB (and never needing to)."""
    deflate, zeros = zlib.compressobj(9), bytes(MIB)
    compressed = b"".join(deflate.compress(zeros) for _ in range(1024)) + deflate.flush()
    head, tail = PNG_SIGNATURE + _chunk(b"IHDR", IHDR), _chunk(b"IEND", b"")
    return head + _chunk(b"iTXt", b"Comment\0\x01\x00\0\0" + compressed) + tail


def huge_badge_chunk() -> bytes:
    room = MAX_FILE_BYTES - 200
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", IHDR)
        + _chunk(b"tEXt", b"openbadges\0" + b"x" * room)
        + _chunk(b"IEND", b"")
    )


def deep_json_png() -> bytes:
    depth = 1_000_000
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", IHDR)
        + _itxt(b"openbadges", b"[" * depth, compressed=True)
        + _chunk(b"IEND", b"")
    )


def deep_jws_file() -> bytes:
    """A compact JWS (as a text file) whose payload nests 100,000 arrays."""
    header = _b64(b'{"alg":"RS256"}')
    payload = _b64(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    return header + b"." + payload + b"." + _b64(b"signature-bytes!")


def svg_many_elements() -> bytes:
    return _svg_filled(b"<g/>")


def svg_many_attributes() -> bytes:
    room = MAX_FILE_BYTES - len(SVG_HEAD) - len(SVG_TAIL) - 10
    attributes = b"".join(b' a%d="x"' % index for index in range(room // 12))[:room]
    attributes = attributes[: attributes.rindex(b'"') + 1]
    return SVG_HEAD + b"<g" + attributes + b"/>" + SVG_TAIL


def svg_at_the_markup_caps() -> bytes:
    """As many elements, each with an attribute, as an SVG may have and still be parsed."""
    return SVG_HEAD + b'<g a="1"/>' * (baked.MAX_SVG_MARKUP - 10) + SVG_TAIL


def svg_deep() -> bytes:
    depth = (MAX_FILE_BYTES - len(SVG_HEAD) - len(SVG_TAIL)) // 7
    return SVG_HEAD + b"<g>" * depth + b"</g>" * depth + SVG_TAIL


def svg_many_assertions() -> bytes:
    return _svg_filled(b'<openbadges:assertion verify="urn:x"/>')


def svg_huge_assertion() -> bytes:
    room = MAX_FILE_BYTES - len(SVG_HEAD) - len(SVG_TAIL) - 60
    return SVG_HEAD + b"<openbadges:assertion>" + b"x" * room + b"</openbadges:assertion>" + SVG_TAIL


CASES: dict[str, Callable[[], bytes]] = {
    "baseline: baked PNG, VC-JWT (did:key)": normal_png,
    "PNG inflation bomb (badge chunks, 1 MiB each)": inflation_bomb,
    "PNG many tiny chunks": many_tiny_chunks,
    "PNG many badge chunks (same VC-JWT)": many_badge_chunks,
    "PNG non-badge iTXt inflating to 1 GiB": non_badge_bomb,
    "PNG one 5 MB badge chunk": huge_badge_chunk,
    "PNG baked JSON nested 1,000,000 deep": deep_json_png,
    "JWS file, payload nested 100,000 deep": deep_jws_file,
    "SVG many elements": svg_many_elements,
    "SVG many attributes on one element": svg_many_attributes,
    "SVG at the markup caps (elements, one attribute each)": svg_at_the_markup_caps,
    "SVG elements nested deep": svg_deep,
    "SVG many assertion elements": svg_many_assertions,
    "SVG one 5 MB assertion": svg_huge_assertion,
}


class _ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(case: str) -> dict[str, Any]:
    """Run in the child: build the file, warm up, time ROUNDS verifications, then one under tracemalloc."""
    data = CASES[case]()
    errors = _ErrorCount()
    logging.getLogger().addHandler(errors)
    verifier = BadgeVerifier.for_data_dir(None)
    warm = from_file(normal_png(), "badge.png")
    assert warm is not None
    verifier.verify(warm)
    rss_before = _peak_rss_mb()
    samples, verdict = [], "not a badge"
    for _ in range(ROUNDS):
        started = time.process_time()
        evidence = from_file(data, "badge")
        report = verifier.verify(evidence) if evidence is not None else None
        samples.append(time.process_time() - started)
        verdict = "not a badge" if report is None else f"{report.status.value}: {report.reason}"
    rss_extra = _peak_rss_mb() - rss_before
    tracemalloc.start()
    evidence = from_file(data, "badge")
    if evidence is not None:
        verifier.verify(evidence)
    traced_peak = tracemalloc.get_traced_memory()[1] / MIB
    tracemalloc.stop()
    verifier.close()
    return {
        "case": case,
        "file_bytes": len(data),
        "verdict": verdict[:160],
        "cpu_median_s": round(statistics.median(samples), 4),
        "cpu_max_s": round(max(samples), 4),
        "peak_rss_extra_mb": round(rss_extra, 1),
        "tracemalloc_peak_mb": round(traced_peak, 1),
        "errors_logged": errors.count // (ROUNDS + 1),
    }


def main() -> None:
    rows = []
    for case in CASES:
        child = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_hostile_files", "--case", case],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            rows.append({"case": case, "failed": child.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    baseline = rows[0].get("cpu_median_s") or None
    for row in rows:
        if "cpu_median_s" not in row:
            continue
        if baseline:
            row["ratio_to_baseline"] = round(row["cpu_median_s"] / baseline, 1)
        extra = max(row["peak_rss_extra_mb"], row["tracemalloc_peak_mb"])
        row["meets_target"] = row["cpu_max_s"] < TARGET_CPU_S and extra < TARGET_EXTRA_MB
    print(
        json.dumps(
            {
                "benchmark": "hostile_files",
                "rounds": ROUNDS,
                "targets": {"cpu_s": TARGET_CPU_S, "extra_memory_mb": TARGET_EXTRA_MB},
                "max_file_bytes": MAX_FILE_BYTES,
                "results": rows,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--case"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main()
