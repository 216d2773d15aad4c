"""Attachments through the store, on SQLite and PostgreSQL: limits, sniffing, re-encoding, names, claims."""

import io
import json
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from engine.errors import NotFoundError, SubmissionError
from engine.principal import LOCAL_ADMIN, Principal
from engine.services.apps import AppService
from engine.services.attachments import AttachmentService
from engine.storage import Database
from engine.storage.catalog import AppCatalog
from engine.storage.migrate import upgrade
from engine.storage.tables import AttachmentRow
from engine.storage.uploads import safe_name
from tests.conftest import BACKENDS, PG_URL, PROPERTY_APP, PostgresSchema

APP = "property_repair"
OWNER = Principal(id="owner-1", name="王女士")
STRANGER = Principal(id="owner-2", name="李先生")
PHOTO_TYPES = "image/jpeg, image/png, image/webp, image/gif"


def jpeg(size=(800, 600), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG", **save)
    return out.getvalue()


def png(size=(64, 48), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 20, 30, 128) if mode == "RGBA" else "white").save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be width x height but carries no pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x10mdat" + b"\x00" * 8


class Zeros:
    """An endless upload that counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int) -> bytes:
        self.read_bytes += size
        return b"\x00" * size


@pytest.fixture(scope="module", params=BACKENDS)
def installed(request, tmp_path_factory) -> Iterator[Database]:
    """One database per back-end for the whole module: installing the app is the slow part.

    Tests share it but never each other's attachments (every upload has a fresh id).
    """
    schema = PostgresSchema(PG_URL or "") if request.param == "postgresql" else None
    database = Database(schema.url if schema else f"sqlite:///{tmp_path_factory.mktemp('db') / 'trellis.db'}")
    upgrade(database)
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    kb = next(f for f in package["forms"] if f["id"] == "kb_article")
    kb["fields"].append({"id": "cover", "type": "image", "label": {"zh-CN": "封面", "en": "Cover"}})
    AppService(database).import_package(package, actor="test")
    yield database
    database.dispose()
    if schema:
        schema.drop()


@pytest.fixture
def database(installed) -> Database:
    return installed


@pytest.fixture
def store(installed, tmp_path) -> AttachmentService:
    return AttachmentService(installed, tmp_path / "uploads", AppCatalog())


def _upload(store, data: bytes, name="photo.jpg", field="completion_photos", *, who=OWNER, form="repair_order", **kw):
    declared = kw.pop("declared", "image/jpeg")
    return store.upload(who, APP, form, field, name, io.BytesIO(data), declared, locale=kw.pop("locale", "en"))


def _refusal(store, data: bytes, **kw) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        _upload(store, data, **kw)
    return caught.value


def _files(store) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.is_file()]


# -- images ------------------------------------------------------------------------------------
def test_a_jpeg_is_re_encoded_with_a_thumbnail(store):
    found = _upload(store, jpeg((1200, 900)))

    assert found == {
        "id": found["id"],
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": found["size"],
        "width": 1200,
        "height": 900,
        "thumbnail": True,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", found["id"])
    thumbnail = store.open(LOCAL_ADMIN, found["id"], thumbnail=True)
    with Image.open(thumbnail.path) as small:
        assert (small.format, small.size) == ("JPEG", (320, 240))
    assert (thumbnail.content_type, thumbnail.name) == ("image/jpeg", "photo-thumb.jpg")


def test_exif_is_stripped_and_the_orientation_applied(store):
    picture = Image.new("RGB", (200, 100), "red")
    picture.paste("blue", (100, 0, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010E] = "secret description"
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"secret comment")

    found = _upload(store, out.getvalue())

    stored = store.open(LOCAL_ADMIN, found["id"])
    raw = stored.path.read_bytes()
    with Image.open(stored.path) as image:
        assert image.size == (100, 200) == (found["width"], found["height"])
        assert image.getpixel((50, 10))[0] > 200 and image.getpixel((50, 190))[2] > 200  # red on top
        assert dict(image.getexif()) == {}
    assert b"secret" not in raw and b"Exif" not in raw


def test_big_images_are_capped_and_png_stays_png_with_transparency(store):
    big = _upload(store, jpeg((4200, 300)))
    clear = _upload(store, png(), name="plan.png", declared="image/png")

    assert (big["width"], big["height"]) == (4096, 293)
    assert (clear["content_type"], clear["name"]) == ("image/png", "plan.png")
    with Image.open(store.open(LOCAL_ADMIN, clear["id"]).path) as image:
        assert (image.format, image.mode) == ("PNG", "RGBA")


def test_webp_becomes_jpeg_named_after_its_real_type(store):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "WEBP")

    found = _upload(store, out.getvalue(), name="IMG_0001.webp", declared="image/webp")

    assert (found["content_type"], found["name"]) == ("image/jpeg", "IMG_0001.jpg")


# -- refusals ----------------------------------------------------------------------------------
def test_too_large_is_refused_without_reading_it_all(store):
    stream = Zeros()

    with pytest.raises(SubmissionError) as caught:
        store.upload(OWNER, APP, "repair_order", "completion_photos", "huge.jpg", stream, "image/jpeg", locale="en")

    message = "Completion photos: the file is larger than 20 MB; choose a smaller file"
    assert (caught.value.code, caught.value.field_errors) == ("attachment_too_large", {"completion_photos": [message]})
    assert stream.read_bytes == 20 * 1024 * 1024 + 1
    assert _files(store) == []


def test_an_exe_renamed_jpg_is_refused_naming_its_real_type(store):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500

    english = _refusal(store, exe, name="setup.jpg")
    chinese = _refusal(store, exe, name="setup.jpg", locale="zh-CN")

    assert english.field_errors == {
        "completion_photos": [
            f"Completion photos: 'setup.jpg' is really application/x-msdownload; this field accepts {PHOTO_TYPES}"
        ]
    }
    assert chinese.message == f"完工照片:“setup.jpg”的实际类型是 application/x-msdownload,此字段只接受 {PHOTO_TYPES}"
    assert english.code == "attachment_type_refused"
    assert _files(store) == []


def test_text_claiming_to_be_png_is_refused(store):
    error = _refusal(store, b"hello, I am not a picture\n", name="photo.png", declared="image/png")

    assert error.message == f"Completion photos: 'photo.png' is really text/plain; this field accepts {PHOTO_TYPES}"


@pytest.mark.parametrize(
    "data",
    [jpeg((400, 300))[:700], b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 200, jpeg((40, 30))[:-300] + b"\x00" * 300],
    ids=["truncated-jpeg", "garbage-after-png-signature", "corrupt-jpeg"],
)
def test_damaged_images_are_refused(store, data):
    error = _refusal(store, data, name="broken.jpg")

    assert error.message == (
        "Completion photos: 'broken.jpg' is damaged or incomplete and cannot be read as an image; send it again"
    )
    assert error.code == "attachment_unreadable"


def test_a_decompression_bomb_is_refused(store):
    error = _refusal(store, png_header_only(30_000, 30_000), name="bomb.png", declared="image/png")

    assert (
        error.message
        == "Completion photos: 'bomb.png' has more than 50 million pixels; make it smaller and send it again"
    )
    assert _files(store) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_too_many_pixels_is_refused_even_where_pillow_only_warns(store):
    error = _refusal(store, png_header_only(10_000, 10_000), name="big.png", declared="image/png")

    assert error.code == "attachment_too_many_pixels"


def test_an_empty_file_is_refused(store):
    assert _refusal(store, b"", name="x.jpg").message == "Completion photos: 'x.jpg' is empty; choose another file"


def test_video_is_taken_by_media_but_not_by_completion_photos(store):
    video = _upload(store, MP4, name="漏水.mp4", field="media", declared="video/mp4")
    refused = _refusal(store, MP4, name="漏水.mp4", declared="video/mp4")

    assert video == {
        "id": video["id"],
        "name": "漏水.mp4",
        "content_type": "video/mp4",
        "size": len(MP4),
        "width": None,
        "height": None,
        "thumbnail": False,
    }
    assert refused.message == f"Completion photos: '漏水.mp4' is really video/mp4; this field accepts {PHOTO_TYPES}"
    with pytest.raises(NotFoundError) as caught:
        store.open(LOCAL_ADMIN, video["id"], thumbnail=True)
    assert caught.value.message == f"attachment '{video['id']}' has no thumbnail; only images have one"


def test_text_is_not_taken_by_a_field_that_accepts_images_and_videos(store):
    error = _refusal(store, b"<svg onload=alert(1)>", name="x.svg", field="media", declared="image/svg+xml")

    assert (
        error.message
        == "Photos / videos: 'x.svg' is really text/plain; this field accepts image/*, video/mp4, video/quicktime"
    )


def test_unknown_form_or_field_is_not_found(store):
    with pytest.raises(NotFoundError) as no_field:
        _upload(store, jpeg(), field="medias")
    with pytest.raises(NotFoundError) as not_attachments:
        _upload(store, jpeg(), field="description")
    with pytest.raises(NotFoundError) as no_form:
        _upload(store, jpeg(), form="repair_orders")

    assert no_field.value.message == "form 'repair_order' has no image or file field 'medias' (did you mean 'media'?)"
    assert not_attachments.value.message == "form 'repair_order' has no image or file field 'description'"
    assert no_form.value.message.startswith("app 'property_repair' has no form 'repair_orders'")


# -- names and files on disk ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\fakepath\\报修.jpg", "报修.jpg"),
        ("photo\x00.jpg", "photo.jpg"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ('a<b>c:d"e|f?g*.txt', "a_b_c_d_e_f_g_.txt"),
        ("  many   spaces\t\n.doc  ", "many spaces.doc"),
        ("a" * 300 + ".jpg", "a" * 116 + ".jpg"),
        ("CON.txt", "_CON.txt"),
        ("...", "file"),
        ("", "file"),
        (None, "file"),
    ],
)
def test_file_names_are_made_safe(raw, safe):
    assert safe_name(raw) == safe


def test_stored_files_are_named_by_the_engine_alone(store, database):
    names = ["../../etc/passwd", "..\\..\\x.jpg", "/absolute.jpg", "a\x00b.jpg", "\u202eevil.jpg", "é" * 400]
    found = [_upload(store, jpeg((40, 30)), name=n, field="media") for n in names]

    assert [f["name"] for f in found] == [
        "passwd.jpg",
        "x.jpg",
        "absolute.jpg",
        "ab.jpg",
        "evil.jpg",
        "é" * 120 + ".jpg",
    ]
    relative = sorted(str(p.relative_to(store.root)) for p in _files(store))
    assert len(relative) == 2 * len(names)
    assert all(re.fullmatch(r"\d{4}/\d{2}/[0-9a-f]{32}(-thumb)?", p) for p in relative)
    with database.transaction() as session:
        stored = session.scalars(select(AttachmentRow.storage_path)).all()
    assert all(re.fullmatch(r"\d{4}/\d{2}/[0-9a-f]{32}", p) for p in stored)


def test_files_are_removed_when_the_row_cannot_be_written(store, database):
    with database.transaction() as session:
        session.execute(text("ALTER TABLE trellis_attachments RENAME TO trellis_attachments_away"))
    try:
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises, nothing may stay behind
            _upload(store, jpeg())
    finally:
        with database.transaction() as session:
            session.execute(text("ALTER TABLE trellis_attachments_away RENAME TO trellis_attachments"))

    assert _files(store) == []


# -- reading -------------------------------------------------------------------------------------
def test_an_admin_and_the_uploader_may_read_others_may_not(store, database):
    found = _upload(store, jpeg(), who=OWNER)

    by_admin = store.open(LOCAL_ADMIN, found["id"])
    by_uploader = store.open(OWNER, found["id"])
    with pytest.raises(NotFoundError) as by_stranger:
        store.open(STRANGER, found["id"])
    with pytest.raises(NotFoundError) as unknown:
        store.open(LOCAL_ADMIN, "0" * 32)

    assert (by_admin.content_type, by_admin.name, by_admin.is_image) == ("image/jpeg", "photo.jpg", True)
    assert by_admin.path.read_bytes()[:2] == b"\xff\xd8" and by_uploader.path == by_admin.path
    assert by_stranger.value.message == f"there is no attachment '{found['id']}'"
    assert unknown.value.message == f"there is no attachment '{'0' * 32}'"


def test_once_linked_only_those_who_may_read_the_record_see_it(store, database):
    found = _upload(store, jpeg(), who=OWNER)
    with database.transaction() as session:
        store.claim(session, APP, "repair_order", 7, {"completion_photos": [found["id"]]}, OWNER, "en")

    with pytest.raises(NotFoundError):
        store.open(OWNER, found["id"])  # until the permissions issue: admins only
    assert store.open(LOCAL_ADMIN, found["id"]).size == found["size"]


# -- claiming ------------------------------------------------------------------------------------
def _claim(store, database, values, *, record=7, form="repair_order", who=OWNER, locale="en"):
    with database.transaction() as session:
        return store.claim(session, APP, form, record, values, who, locale)


def _record_of(database, attachment_id):
    with database.transaction() as session:
        return session.get(AttachmentRow, attachment_id).record_id


def test_claim_links_the_attachments_and_can_be_repeated(store, database):
    photo = _upload(store, jpeg())["id"]
    video = _upload(store, MP4, name="v.mp4", field="media", declared="video/mp4")["id"]
    values = {"completion_photos": [photo], "media": [video], "description": "漏水", "room": 3}

    assert _claim(store, database, values) == {}
    assert _claim(store, database, values) == {}
    assert (_record_of(database, photo), _record_of(database, video)) == (7, 7)


def test_claim_reports_each_wrong_attachment_by_field(store, database):
    media = _upload(store, jpeg(), field="media")["id"]
    cover = _upload(store, jpeg(), field="cover", form="kb_article")["id"]
    theirs = _upload(store, jpeg(), who=STRANGER)["id"]
    linked = _upload(store, jpeg())["id"]
    _claim(store, database, {"completion_photos": [linked]}, record=8)
    good = _upload(store, jpeg())["id"]
    unknown = "f" * 32

    errors = _claim(store, database, {"completion_photos": [good, media, cover, theirs, linked, unknown]})

    assert errors == {
        "completion_photos": [
            f"Completion photos: attachment {media} was uploaded for another field; upload it here again",
            f"Completion photos: attachment {cover} was uploaded for another field; upload it here again",
            f"Completion photos: attachment {theirs} does not exist; upload the file again",
            f"Completion photos: attachment {linked} already belongs to another record; upload the file again",
            f"Completion photos: attachment {unknown} does not exist; upload the file again",
        ]
    }
    assert _record_of(database, good) is None  # nothing is linked unless everything passes


def test_claim_speaks_chinese(store, database):
    linked = _upload(store, jpeg())["id"]
    _claim(store, database, {"completion_photos": [linked]}, record=8)

    errors = _claim(store, database, {"completion_photos": [linked, "0" * 32]}, locale="zh-CN")

    assert errors == {
        "completion_photos": [
            f"完工照片:附件 {linked} 已属于其他记录,请重新上传",
            f"完工照片:附件 {'0' * 32} 不存在,请重新上传",
        ]
    }


def test_claim_for_another_form_refuses_this_forms_attachment(store, database):
    photo = _upload(store, jpeg())["id"]

    errors = _claim(store, database, {"cover": [photo]}, form="kb_article")

    assert errors == {"cover": [f"Cover: attachment {photo} was uploaded for another field; upload it here again"]}
