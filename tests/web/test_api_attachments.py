"""The attachments API over HTTP: upload answers, refusals as problem+json, download headers."""

import io
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from PIL import Image

from engine.config import Settings
from engine.web import create_app
from tests.conftest import BACKENDS, PG_URL, PROPERTY_APP, PostgresSchema, admin_token

FIELDS = "/api/v1/apps/property_repair/forms/repair_order/fields"
PHOTOS = f"{FIELDS}/completion_photos/attachments"
MEDIA = f"{FIELDS}/media/attachments"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x10mdat" + b"\x00" * 8


@pytest.fixture(scope="module", params=BACKENDS)
def api(request, tmp_path_factory) -> Iterator:
    """One app per back-end for the module (installing the package is the slow part)."""
    schema = PostgresSchema(PG_URL or "") if request.param == "postgresql" else None
    folder = tmp_path_factory.mktemp("instance")
    url = schema.url if schema else f"sqlite:///{folder / 'trellis.db'}"
    app = create_app(Settings.from_env({"TRELLIS_DATABASE_URL": url, "TRELLIS_INSTANCE_DIR": str(folder)}))
    app.config["TESTING"] = True
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {admin_token(app.extensions['trellis'].database)}"
    assert (
        client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json").status_code == 201
    )
    yield client
    app.extensions["trellis"].database.dispose()
    if schema:
        schema.drop()


def jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return out.getvalue()


def _send(api, url: str, data: bytes, name: str, declared: str = "image/jpeg", **headers):
    return api.post(url, data={"file": (io.BytesIO(data), name, declared)}, headers=headers)


def _get(api, url: str, **headers):
    """GET and close: a download streams from an open file until the response is closed."""
    with api.get(url, headers=headers) as response:
        response.get_data()
    return response


class Zeros:
    """A request body of ``size`` zero bytes that counts what the server read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def read(self, size: int = -1) -> bytes:
        size = self.size - self.position if size < 0 else min(size, self.size - self.position)
        self.position += size
        self.read_bytes += size
        return b"\x00" * size

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else self.size + offset if whence == 2 else self.position + offset
        return self.position


def test_upload_answers_201_and_the_photo_is_served_inline(api):
    created = _send(api, PHOTOS, jpeg(), "门锁.jpg")

    assert created.status_code == 201
    body = created.json
    assert body == {
        "id": body["id"],
        "name": "门锁.jpg",
        "content_type": "image/jpeg",
        "size": body["size"],
        "width": 640,
        "height": 480,
        "thumbnail": True,
    }
    assert created.headers["Location"] == f"/api/v1/attachments/{body['id']}"

    photo = _get(api, created.headers["Location"])
    assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert photo.headers["Cache-Control"] == "private, no-cache"
    assert photo.headers["Content-Disposition"] == (
        f"inline; filename=\"download.jpg\"; filename*=UTF-8''{quote('门锁.jpg', safe='')}"
    )
    assert Image.open(io.BytesIO(photo.data)).size == (640, 480)


def test_the_thumbnail_is_a_small_jpeg(api):
    location = _send(api, PHOTOS, jpeg((1600, 1200)), "door.jpg").headers["Location"]

    small = _get(api, f"{location}/thumbnail")

    assert (small.status_code, small.mimetype) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(small.data)).size == (320, 240)
    assert (
        small.headers["Content-Disposition"] == "inline; filename=\"door-thumb.jpg\"; filename*=UTF-8''door-thumb.jpg"
    )


def test_a_download_is_revalidated_by_etag(api):
    location = _send(api, PHOTOS, jpeg(), "a.jpg").headers["Location"]
    etag = _get(api, location).headers["ETag"]

    again = _get(api, location, **{"If-None-Match": etag})

    assert (again.status_code, again.data) == (304, b"")


def test_a_video_is_taken_by_media_and_served_as_a_download(api):
    created = _send(api, MEDIA, MP4, "漏水 现场.mp4", "video/mp4")

    video = _get(api, created.headers["Location"])

    assert (created.status_code, created.json["thumbnail"]) == (201, False)
    assert (video.status_code, video.mimetype, video.data) == (200, "video/mp4", MP4)
    assert video.headers["Content-Disposition"] == (
        f"attachment; filename=\"download.mp4\"; filename*=UTF-8''{quote('漏水 现场.mp4', safe='')}"
    )
    assert _get(api, f"{created.headers['Location']}/thumbnail").status_code == 404


def test_an_exe_renamed_jpg_is_422_naming_its_real_type(api):
    exe = b"MZ\x90\x00" + b"\x00" * 200

    refused = _send(api, PHOTOS, exe, "photo.jpg", **{"Accept-Language": "en"})

    message = (
        "Completion photos: 'photo.jpg' is really application/x-msdownload; "
        "this field accepts image/jpeg, image/png, image/webp, image/gif"
    )
    assert (refused.status_code, refused.mimetype) == (422, "application/problem+json")
    assert refused.json["errors"] == {"completion_photos": [message]}
    assert refused.json["code"] == "attachment_type_refused"


def test_a_video_is_not_a_completion_photo(api):
    refused = _send(api, f"{PHOTOS}?lang=zh-CN", MP4, "v.mp4", "video/mp4")

    assert refused.status_code == 422
    assert (
        refused.json["detail"]
        == "完工照片:“v.mp4”的实际类型是 video/mp4,此字段只接受 image/jpeg, image/png, image/webp, image/gif"
    )


def test_too_large_is_413_before_the_body_is_read(api):
    body = Zeros(25 * 1024 * 1024)

    refused = api.post(f"{PHOTOS}?lang=en", input_stream=body, content_type="multipart/form-data; boundary=x")

    assert (refused.status_code, refused.json["code"]) == (413, "attachment_too_large")
    assert refused.json["errors"] == {
        "completion_photos": ["Completion photos: the file is larger than 20 MB; choose a smaller file"]
    }
    assert body.read_bytes == 0


def test_a_file_just_over_the_limit_is_413(api):
    # built by hand: the test client would spool a body this big to a temporary file it never closes
    head = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n'
    body = head + b"\xff" * (20 * 1024 * 1024 + 1) + b"\r\n--x--\r\n"

    refused = api.post(f"{PHOTOS}?lang=en", data=body, content_type="multipart/form-data; boundary=x")

    assert (refused.status_code, refused.json["code"]) == (413, "attachment_too_large")


def test_multipart_without_a_file_is_422(api):
    no_file = api.post(f"{PHOTOS}?lang=en", data={"other": "x"})
    not_multipart = api.post(f"{PHOTOS}?lang=en", json={"file": "x"})

    message = "Completion photos: send the file as the multipart form field 'file'"
    assert (no_file.status_code, no_file.json["errors"]) == (422, {"completion_photos": [message]})
    assert (not_multipart.status_code, not_multipart.json["detail"]) == (422, message)


@pytest.mark.parametrize(
    "url",
    [
        f"{FIELDS}/nope/attachments",
        f"{FIELDS}/description/attachments",
        "/api/v1/apps/property_repair/forms/nope/fields/media/attachments",
        "/api/v1/apps/nope/forms/repair_order/fields/media/attachments",
    ],
)
def test_unknown_app_form_or_field_is_404(api, url):
    missing = _send(api, url, jpeg((8, 8)), "x.jpg")

    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")


@pytest.mark.parametrize("attachment_id", ["0" * 32, "not-an-id", "..%2F..%2Fetc%2Fpasswd"])
def test_unknown_attachments_are_404(api, attachment_id):
    missing = _get(api, f"/api/v1/attachments/{attachment_id}")

    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
