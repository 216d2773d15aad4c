"""Uploads cannot exhaust the server: the pixel limit read from the header, a bounded decode budget,
and unclaimed uploads removed by the worker after a set time, on SQLite and PostgreSQL."""

import io
import resource
import struct
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import SubmissionError
from engine.principal import LOCAL_ADMIN, PUBLIC
from engine.services.attachments import AttachmentService
from engine.storage import uploads
from engine.storage.catalog import AppCatalog
from engine.storage.uploads import DecodeBudget, UploadRefusedError
from tests.storage.test_attachments import OWNER, _files, _upload, installed, jpeg  # noqa: F401

MB = 1024 * 1024


def png_of_zeros(width: int, height: int) -> bytes:
    """A real, fully decodable RGBA PNG of transparent pixels, compressed row by row (never whole in memory)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" * (width * 4 + 1)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


@pytest.fixture
def store(installed, tmp_path) -> AttachmentService:  # noqa: F811
    return AttachmentService(installed, tmp_path / "uploads", AppCatalog(), budget=DecodeBudget(256 * MB, 2))


def test_the_probes_9400_square_png_is_refused_from_its_header_without_decoding(store):
    bomb = png_of_zeros(9400, 9400)
    assert len(bomb) < 400 * 1024  # what the probe sent: 335 KiB on the wire, 88 million pixels
    before, started = max_rss_mb(), time.monotonic()

    with pytest.raises(SubmissionError) as refused:
        _upload(store, bomb, name="bomb.png", declared="image/png")

    assert time.monotonic() - started < 2
    assert max_rss_mb() - before < 50  # decoding it would take 353 MB for the pixels alone
    assert refused.value.code == "attachment_too_many_pixels"
    assert refused.value.message == (
        "Completion photos: 'bomb.png' has more than 50 million pixels; make it smaller and send it again"
    )
    assert _files(store) == []


def test_a_48_megapixel_phone_photo_is_still_taken(store):
    photo = jpeg((8064, 6048), quality=30)

    found = _upload(store, photo, name="IMG_0001.jpg")

    assert (found["width"], found["height"]) == (4096, 3072)


def test_concurrent_decodes_are_bounded_by_the_budget(store, monkeypatch):
    running, most = 0, 0
    lock = threading.Lock()
    real = uploads._encode

    def slow_encode(opened):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        try:
            return real(opened)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(uploads, "_encode", slow_encode)
    results: list[object] = []

    def send() -> None:
        try:
            results.append(_upload(store, jpeg((320, 240))))
        except SubmissionError as error:  # pragma: no cover - reported by the assertion below
            results.append(error)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert most == 2
    assert all(isinstance(found, dict) for found in results) and len(results) == 6


def test_a_decode_that_cannot_get_its_turn_is_refused_as_busy():
    budget = DecodeBudget(100 * MB, 1, wait_seconds=0.05)
    with budget.hold(10, "first.jpg"):
        with pytest.raises(UploadRefusedError) as refused, budget.hold(10, "second.jpg"):
            pass  # pragma: no cover
    assert refused.value.reason == "busy"
    with budget.hold(10**12, "huge.png"):  # larger than the whole budget: runs, but alone
        assert budget.held == 100 * MB


def test_unclaimed_uploads_are_removed_after_the_set_time(installed, tmp_path):  # noqa: F811
    now = [datetime.now(UTC)]
    store = AttachmentService(installed, tmp_path / "uploads", AppCatalog(), clock=lambda: now[0])
    claimed = _upload(store, jpeg((64, 48)))
    anonymous = store.upload(
        PUBLIC, "property_repair", "repair_order", "media", "a.jpg", io.BytesIO(jpeg((64, 48))), "image/jpeg"
    )
    stale = _upload(store, jpeg((64, 48)))
    with installed.transaction() as session:
        store.files.link(session, [claimed["id"]], 987654)
    half_received = store.root / ".incoming" / "crashed"
    half_received.write_bytes(b"partial")
    assert len(_files(store)) == 7

    assert store.remove_unclaimed(timedelta(hours=24)) == 0  # nothing is a day old yet
    now[0] += timedelta(hours=25)
    assert store.remove_unclaimed(timedelta(hours=24)) >= 2  # (and the module's other tests' uploads)

    assert store.files.get(stale["id"]) is None and store.files.get(anonymous["id"]) is None
    assert store.open(LOCAL_ADMIN, claimed["id"]).path.is_file()
    assert sorted(p.name for p in _files(store)) == sorted([claimed["id"], f"{claimed['id']}-thumb"])


def test_the_worker_removes_unclaimed_uploads_in_its_round(installed, tmp_path):  # noqa: F811
    from engine.services.flows import FlowService
    from engine.services.records import RecordService
    from engine.worker import Worker

    later = datetime.now(UTC) + timedelta(hours=2)
    catalog = AppCatalog()
    store = AttachmentService(installed, tmp_path / "uploads", catalog, clock=lambda: later)
    photo = _upload(store, jpeg((64, 48)), who=OWNER)
    flows = FlowService(installed, RecordService(installed, catalog, store))
    worker = Worker(installed, flows=flows, attachments=store, unclaimed_after=timedelta(hours=1))

    assert worker.run_once()["removed"] >= 1
    assert store.files.get(photo["id"]) is None
    assert _files(store) == []
