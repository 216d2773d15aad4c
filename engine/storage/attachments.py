"""Attachments of image and file fields: upload (limit, sniff, re-encode), download, claim by a record.

Storage layer. Files live under the upload folder as ``<yyyy>/<mm>/<uuid-hex>``: nothing the
user sends (file name, declared type) decides where a file goes or how it is served. Images are
decoded and written again by Pillow, which applies the camera's orientation, drops EXIF (the GPS
position of an owner's home) and turns a polyglot file into plain pixels.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

import filetype
from PIL import Image, ImageOps
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import NotFoundError, SubmissionError
from engine.forms.spec import FieldSpec
from engine.forms.types.media import ATTACHMENT_ID
from engine.principal import Principal
from engine.registry import suggest
from engine.storage.catalog import AppCatalog
from engine.storage.database import Database
from engine.storage.tables import AttachmentRow, utcnow

ATTACHMENT_FIELD_TYPES = ("image", "file")
DEFAULT_MAX_SIZE_MB = 20
CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 8192  # what filetype looks at
MAX_SIDE = 4096
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
MAX_NAME_CHARS = 120
INCOMING = ".incoming"  # half-received uploads, on the same file system as their final place
# Anonymous uploads are stored as made by ``public#<sha256 of their upload token>``: every public
# submitter is the same principal, so only the token handed to the uploader proves whose file it is.
ANONYMOUS_UPLOADER = "public#"
MAX_UPLOAD_TOKENS = 50

# Image types Trellis decodes and re-encodes, by sniffed type; each is used only if Pillow reads it
# (HEIC needs the pillow-heif plugin). Other image/* types are kept as plain files where allowed.
DECODERS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "image/avif": "AVIF",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
IMAGE_FIELD_DEFAULT = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/heic")
# text has no magic bytes; these declared types may name sniffed UTF-8 text more exactly
TEXT_REFINEMENTS = frozenset({"text/csv", "text/markdown", "text/tab-separated-values"})
EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg", "jpe", "jfif"}, "tif": {"tif", "tiff"}, "mov": {"mov", "qt"}}
KNOWN_EXTENSIONS = {t.extension for t in filetype.types} | {a for s in EXTENSION_ALIASES.values() for a in s}
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10))}
FORBIDDEN_IN_NAMES = re.compile(r'[<>:"/\\|?*]')

MESSAGES = {
    "too_large": {
        "en": "{label}: the file is larger than {limit} MB; choose a smaller file",
        "zh-CN": "{label}:文件超过 {limit} MB,请选择更小的文件",
    },
    "empty": {
        "en": "{label}: '{name}' is empty; choose another file",
        "zh-CN": "{label}:“{name}”是空文件,请选择其他文件",
    },
    "type_refused": {
        "en": "{label}: '{name}' is really {real}; this field accepts {accepted}",
        "zh-CN": "{label}:“{name}”的实际类型是 {real},此字段只接受 {accepted}",
    },
    "unreadable": {
        "en": "{label}: '{name}' is damaged or incomplete and cannot be read as an image; send it again",
        "zh-CN": "{label}:“{name}”已损坏或不完整,无法作为图片读取,请重新上传",
    },
    "too_many_pixels": {
        "en": "{label}: '{name}' has more than {pixels} million pixels; make it smaller and send it again",
        "zh-CN": "{label}:“{name}”超过 {pixels} 百万像素,请缩小后重新上传",
    },
    "missing_file": {
        "en": "{label}: send the file as the multipart form field 'file'",
        "zh-CN": "{label}:请以 multipart 表单字段“file”上传文件",
    },
    "unknown": {
        "en": "{label}: attachment {id} does not exist; upload the file again",
        "zh-CN": "{label}:附件 {id} 不存在,请重新上传",
    },
    "other_field": {
        "en": "{label}: attachment {id} was uploaded for another field; upload it here again",
        "zh-CN": "{label}:附件 {id} 是为其他字段上传的,请在此处重新上传",
    },
    "other_record": {
        "en": "{label}: attachment {id} already belongs to another record; upload the file again",
        "zh-CN": "{label}:附件 {id} 已属于其他记录,请重新上传",
    },
}


def _message(code: str, locale: str, **params: Any) -> str:
    return (MESSAGES[code].get(locale) or MESSAGES[code]["en"]).format(**params)


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class UploadRules:
    """What one image or file field takes, read from its definition (no defaults padded into it)."""

    field: FieldSpec
    max_bytes: int
    accept: tuple[str, ...]  # empty: any type

    @classmethod
    def of(cls, field: FieldSpec) -> UploadRules:
        megabytes = float(field.config.get("max_size_mb", DEFAULT_MAX_SIZE_MB))
        accept = tuple(field.config.get("accept", ()))
        if field.type == "image":
            accept = tuple(a for a in accept or IMAGE_FIELD_DEFAULT if "*" in a or _decodable(a))
        return cls(field, int(megabytes * 1024 * 1024), accept)

    def allows(self, content_type: str) -> bool:
        """``image/*`` means photos Trellis can re-encode; other image types must be named exactly."""
        if self.field.type == "image" and not _decodable(content_type):
            return False
        if not self.accept:
            return True
        major = content_type.split("/")[0]
        return any(
            pattern == content_type
            or pattern == "*/*"
            or (pattern == f"{major}/*" and (major != "image" or _decodable(content_type)))
            for pattern in self.accept
        )

    def error(self, code: str, locale: str, name: str = "", **params: Any) -> SubmissionError:
        """A refusal of this upload, as a field error the form can show under the field."""
        message = _message(
            code,
            locale,
            label=self.field.title(locale),
            name=name,
            limit=f"{self.max_bytes / 1024 / 1024:g}",
            accepted=", ".join(self.accept),
            **params,
        )
        error = SubmissionError(message, {self.field.id: [message]})
        error.code = f"attachment_{code}"
        return error


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """What a download needs: where the bytes are and how to label them."""

    path: Path
    content_type: str
    name: str
    size: int
    etag: str
    is_image: bool  # re-encoded by Trellis, so safe to show inline


@dataclass(frozen=True, slots=True)
class _Encoded:
    data: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int


class AttachmentStore:
    def __init__(
        self,
        database: Database,
        upload_dir: Path,
        catalog: AppCatalog | None = None,
        record_reader: Callable[[Principal, str, str, int, str], bool] | None = None,
    ):
        self.database = database
        self.record_reader = record_reader  # "may this principal read this field of this record?"
        self.root = Path(upload_dir).resolve()
        self.catalog = catalog or AppCatalog()

    # -- permission: the one place (the permissions issue extends it to "may read the record") ---
    def _may_read(self, principal: Principal, row: AttachmentRow) -> bool:
        """Admins; the uploader until a record claims the file; then whoever may read that field of that record.

        An anonymous upload has no uploader anyone can be (see ``ANONYMOUS_UPLOADER``): before a
        record claims it, only an admin can read it, and only its upload token can claim it.
        """
        if principal.is_admin:
            return True
        if row.record_id is None:
            return not principal.anonymous and row.created_by == principal.id
        return self.record_reader is not None and self.record_reader(
            principal, row.app_id, row.form_id, row.record_id, row.field_id
        )

    # -- upload --------------------------------------------------------------------------------
    def rules(self, app_id: str, form_id: str, field_id: str) -> UploadRules:
        with self.database.transaction() as session:
            form = self.catalog.current(session, app_id).form(form_id)
        fields = {f.id: f for f in form.spec.fields if f.type in ATTACHMENT_FIELD_TYPES}
        if field_id not in fields:
            raise NotFoundError(
                f"form '{form_id}' has no image or file field '{field_id}'{suggest(field_id, fields)}",
                details={"field_id": field_id},
            )
        return UploadRules.of(fields[field_id])

    def upload(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        field_id: str,
        filename: str | None,
        stream: Readable,
        declared_type: str | None,
        *,
        locale: str = "zh-CN",
    ) -> dict[str, Any]:
        """Check and store one file; its id goes into the field's value when the record is saved.

        An anonymous caller also gets ``upload_token``: the record that names this file must be
        sent with it (``claim``'s ``upload_tokens``), so knowing the id alone claims nothing.
        Files are written before the row and removed again if the row does not commit, so a
        row never points at a missing file (a crash can leave an orphan file, never the reverse).
        """
        rules = self.rules(app_id, form_id, field_id)
        name = safe_name(filename)
        attachment_id = uuid.uuid4().hex
        upload_token = secrets.token_urlsafe(32) if principal.anonymous else None
        uploader = principal.id if upload_token is None else _anonymous_uploader(upload_token)
        now = utcnow()
        folder = PurePosixPath(f"{now:%Y}", f"{now:%m}")
        incoming = self.root / INCOMING / attachment_id
        written: list[Path] = []
        try:
            size, digest, head = _receive(stream, incoming, rules, name, locale)
            content_type, extension = sniff(incoming, head, declared_type or "")
            if not rules.allows(content_type):
                raise rules.error("type_refused", locale, name, real=content_type)
            main = folder / attachment_id
            thumbnail = None
            width = height = None
            if _decodable(content_type):
                encoded = _reencode(incoming, DECODERS[content_type], rules, name, locale)
                content_type, width, height = encoded.content_type, encoded.width, encoded.height
                extension = "png" if content_type == "image/png" else "jpg"
                thumbnail = folder / f"{attachment_id}-thumb"
                self._write(main, encoded.data, written)
                self._write(thumbnail, encoded.thumbnail, written)
                size, digest = len(encoded.data), hashlib.sha256(encoded.data).hexdigest()
            else:
                (self.root / main).parent.mkdir(parents=True, exist_ok=True)
                written.append(self.root / main)
                os.replace(incoming, self.root / main)
            row = AttachmentRow(
                id=attachment_id,
                app_id=app_id,
                form_id=form_id,
                field_id=field_id,
                record_id=None,
                original_name=with_extension(name, extension),
                content_type=content_type,
                size=size,
                sha256=digest,
                storage_path=str(main),
                thumbnail_path=str(thumbnail) if thumbnail else None,
                width=width,
                height=height,
                created_at=now,
                created_by=uploader,
            )
            with self.database.transaction() as session:
                session.add(row)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        finally:
            incoming.unlink(missing_ok=True)
        described = describe(row)
        if upload_token is not None:
            described["upload_token"] = upload_token
        return described

    def _write(self, relative: PurePosixPath, data: bytes, written: list[Path]) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(path)
        with path.open("xb") as out:
            out.write(data)

    # -- download ------------------------------------------------------------------------------
    def open(self, principal: Principal, attachment_id: str, *, thumbnail: bool = False) -> AttachmentFile:
        """The stored file, for those allowed to read it; everyone else learns nothing, not even that it exists."""
        row = None
        if ATTACHMENT_ID.fullmatch(attachment_id):
            with self.database.transaction() as session:
                row = session.get(AttachmentRow, attachment_id)
        if row is None or not self._may_read(principal, row):
            raise NotFoundError(f"there is no attachment '{attachment_id[:40]}'")
        relative = row.thumbnail_path if thumbnail else row.storage_path
        if relative is None:
            raise NotFoundError(f"attachment '{attachment_id}' has no thumbnail; only images have one")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise NotFoundError(
                f"the file of attachment '{attachment_id}' is missing from the upload folder; "
                "an admin can restore it from a backup"
            )
        if thumbnail:
            stem = row.original_name.rpartition(".")[0] or row.original_name
            return AttachmentFile(path, "image/jpeg", f"{stem}-thumb.jpg", path.stat().st_size, f"{row.sha256}t", True)
        is_image = row.width is not None
        return AttachmentFile(path, row.content_type, row.original_name, row.size, row.sha256, is_image)

    # -- claim (called by the record service inside its own transaction) ---------------------
    def claim(
        self,
        session: Session,
        app_id: str,
        form_id: str,
        record_id: int,
        values: Mapping[str, list[str]],
        principal: Principal,
        locale: str,
        upload_tokens: Collection[str] = (),
    ) -> dict[str, list[str]]:
        """Link the attachments named in the image and file fields of ``values`` to the record.

        Each must exist, have been uploaded for this app, form and field, and be either unlinked
        (and readable by the principal, or an anonymous upload whose token is among
        ``upload_tokens``: nobody claims someone else's fresh upload) or linked to this record
        already. Returns field errors instead of raising, so the caller can merge them
        with its own; nothing is linked unless every attachment passes.
        """
        form = self.catalog.current(session, app_id).form(form_id)
        wanted = {
            f.id: (f, list(values.get(f.id) or []))
            for f in form.spec.fields
            if f.type in ATTACHMENT_FIELD_TYPES and values.get(f.id)
        }
        ids = sorted({i for _, given in wanted.values() for i in given if ATTACHMENT_ID.fullmatch(str(i))})
        rows = {
            row.id: row
            for row in session.scalars(
                select(AttachmentRow).where(AttachmentRow.id.in_(ids)).order_by(AttachmentRow.id).with_for_update()
            )
        }
        errors: dict[str, list[str]] = {}
        vouched = {_anonymous_uploader(t) for t in list(upload_tokens)[:MAX_UPLOAD_TOKENS] if isinstance(t, str)}
        for field_id, (field, given) in wanted.items():
            for attachment_id in given:
                row = rows.get(str(attachment_id))
                if row is None or (
                    row.record_id is None and row.created_by not in vouched and not self._may_read(principal, row)
                ):
                    code = "unknown"
                elif (row.app_id, row.form_id, row.field_id) != (app_id, form_id, field_id):
                    code = "other_field"
                elif row.record_id not in (None, record_id):
                    code = "other_record"
                else:
                    continue
                message = _message(code, locale, label=field.title(locale), id=attachment_id)
                errors.setdefault(field_id, []).append(message)
        if not errors and ids:
            session.execute(
                update(AttachmentRow)
                .where(AttachmentRow.id.in_(ids), AttachmentRow.record_id.is_(None))
                .values(record_id=record_id)
            )
        return errors


def _anonymous_uploader(upload_token: str) -> str:
    return ANONYMOUS_UPLOADER + hashlib.sha256(upload_token[:200].encode()).hexdigest()


def describe(row: AttachmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "thumbnail": row.thumbnail_path is not None,
    }


# -- receiving and sniffing ----------------------------------------------------------------------
def _receive(stream: Readable, target: Path, rules: UploadRules, name: str, locale: str) -> tuple[int, str, bytes]:
    """Copy at most ``max_bytes + 1`` bytes to ``target``: one byte too many is enough to refuse."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    with target.open("xb") as out:
        while chunk := stream.read(min(CHUNK_BYTES, rules.max_bytes + 1 - size)):
            size += len(chunk)
            if size > rules.max_bytes:
                raise rules.error("too_large", locale, name)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise rules.error("empty", locale, name)
    return size, digest.hexdigest(), head


def sniff(path: Path, head: bytes, declared_type: str) -> tuple[str, str | None]:
    """The real content type (and its usual extension) from the bytes; the declared type is never trusted."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime), str(kind.extension)
    try:
        with Image.open(path, formats=_pillow_formats()) as image:
            found = Image.MIME.get(image.format or "")
        if found:
            return found, None
    except Exception:  # not an image Pillow knows (or a damaged one): look further
        pass
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "application/octet-stream", None
    if b"\x00" in head:
        return "application/octet-stream", None
    return (declared_type if declared_type in TEXT_REFINEMENTS else "text/plain"), None


def _pillow_formats() -> list[str]:
    Image.init()
    return sorted({f for f in DECODERS.values() if f in Image.OPEN})


def _decodable(content_type: str) -> bool:
    return DECODERS.get(content_type) in _pillow_formats()


# -- images ------------------------------------------------------------------------------------
def _reencode(source: Path, pillow_format: str, rules: UploadRules, name: str, locale: str) -> _Encoded:
    """Decode, orient, strip and re-encode; every decoding failure is the user's file, not our bug."""
    limit = Image.MAX_IMAGE_PIXELS or 89_478_485
    try:
        with Image.open(source, formats=[pillow_format]) as opened:
            if opened.width * opened.height > limit:
                raise rules.error("too_many_pixels", locale, name, pixels=limit // 1_000_000)
            opened.draft(None, (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale where it can
            icc = opened.info.get("icc_profile") if opened.mode != "CMYK" else None
            keep_png = opened.format == "PNG"
            image = ImageOps.exif_transpose(opened)
        image = _flattened(image, keep_alpha=keep_png)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        image.info = {}  # no EXIF, XMP or comments survive, whatever the encoder would copy
        width, height = image.size
        data = io.BytesIO()
        if keep_png:
            image.save(data, "PNG", icc_profile=icc)
        else:
            image.save(data, "JPEG", quality=JPEG_QUALITY, optimize=True, icc_profile=icc)
        small = _flattened(image, keep_alpha=False)
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        thumbnail = io.BytesIO()
        small.save(thumbnail, "JPEG", quality=THUMBNAIL_QUALITY, icc_profile=icc)
    except SubmissionError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise rules.error("too_many_pixels", locale, name, pixels=limit // 1_000_000) from None
    except Exception:  # Pillow's decoders fail in many ways on damaged files; all mean the same here
        raise rules.error("unreadable", locale, name) from None
    content_type = "image/png" if keep_png else "image/jpeg"
    return _Encoded(data.getvalue(), thumbnail.getvalue(), content_type, width, height)


def _flattened(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """RGB or grey (with alpha only for PNG); transparency is laid on white for JPEG."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if keep_alpha and has_alpha:
        return image if image.mode in ("RGBA", "LA") else image.convert("RGBA")
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


# -- names ---------------------------------------------------------------------------------------
def safe_name(raw: str | None) -> str:
    """A display and download name that is only a name: no folders, control or bidi characters.

    The right-to-left override would show ``invoice\\u202egpj.exe`` as ``invoiceexe.jpg``; browsers
    may send a whole Windows path. The result never touches the file system, but it does reach
    other people's screens and download folders.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = " ".join(FORBIDDEN_IN_NAMES.sub("_", text).split()).strip(" .")
    if len(text) > MAX_NAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = f"{stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            text = text[:MAX_NAME_CHARS].rstrip(" .")
    if text.partition(".")[0].upper() in WINDOWS_RESERVED:
        text = f"_{text}"
    return text or "file"


def with_extension(name: str, extension: str | None) -> str:
    """The name with the extension of its real type: ``photo.webp`` re-encoded is ``photo.jpg``."""
    if extension is None:
        return name
    stem, dot, current = name.rpartition(".")
    current = current.lower()
    if dot and stem and current in EXTENSION_ALIASES.get(extension, {extension}):
        return name
    base = stem if dot and stem and current in KNOWN_EXTENSIONS else name
    return f"{base}.{extension}"
