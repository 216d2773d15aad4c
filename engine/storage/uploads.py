"""Checking and transforming one uploaded file (storage layer): size limit, real type, re-encoded images, safe names.

Nothing the user sends (file name, declared type) is trusted: the type is sniffed from the bytes,
and images are decoded and written again by Pillow, which applies the camera's orientation, drops
EXIF (the GPS position of an owner's home) and turns a polyglot file into plain pixels. A file
that fails a check raises ``UploadRefusedError`` with a reason code; the attachment service turns
it into a field error in the uploader's language.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import filetype
from PIL import Image, ImageOps

from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES

DEFAULT_MAX_SIZE_MB = 20
CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 8192  # what filetype looks at
MAX_SIDE = 4096
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
MAX_NAME_CHARS = 120
# The most pixels an uploaded image may declare (read from its header before anything is decoded):
# a phone's full-resolution photo is 12 to 50 MP (48 MP sensors write 8064 x 6048, 50 MP ones
# 8160 x 6120); a 9400 x 9400 PNG of zeros (335 KiB on the wire, 88 MP) is not a phone's.
MAX_PIXELS = 50_000_000
# What a decode holds, in multiples of its decoded pixels: the image, the premultiplied copy and the
# intermediate a resize makes (measured: a 50 MP RGBA PNG, 191 MB of pixels, raised a process's
# peak by 556 MB, 2.9 times; the probe's 88 MP PNG under the old limit raised it by 1.2 GB)
DECODE_OVERHEAD = 3
DECODE_WAIT_SECONDS = 30.0

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


class UploadRefusedError(Exception):
    """A file this field does not take; ``reason`` is the catalog's ``record.attachment.<reason>``."""

    def __init__(self, reason: str, name: str = "", **params: Any):
        super().__init__(reason)
        self.reason = reason
        self.params: dict[str, Any] = {"name": name, **params}


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class UploadRules:
    """What one image or file field takes, read from its definition (no defaults padded into it)."""

    field: FieldSpec
    max_bytes: int
    accept: tuple[str, ...]  # empty: any type
    address: str = ""  # ``photo``, or ``parts.photo`` for a sub-table's field; the field's id when empty

    @classmethod
    def of(cls, field: FieldSpec, address: str = "") -> UploadRules:
        megabytes = float(field.config.get("max_size_mb", DEFAULT_MAX_SIZE_MB))
        accept = tuple(field.config.get("accept", ()))
        if FIELD_TYPES.get(field.type).images_only:
            accept = tuple(a for a in accept or IMAGE_FIELD_DEFAULT if "*" in a or decodable(a))
        return cls(field, int(megabytes * 1024 * 1024), accept, address or field.id)

    def allows(self, content_type: str) -> bool:
        """``image/*`` means photos Trellis can re-encode; other image types must be named exactly."""
        if FIELD_TYPES.get(self.field.type).images_only and not decodable(content_type):
            return False
        if not self.accept:
            return True
        major = content_type.split("/")[0]
        return any(
            pattern == content_type
            or pattern == "*/*"
            or (pattern == f"{major}/*" and (major != "image" or decodable(content_type)))
            for pattern in self.accept
        )


class DecodeBudget:
    """The images this process decodes at once: at most ``decodes`` of them, together within ``memory_bytes``.

    One per process (threads share it); an image whose estimate exceeds the whole budget waits
    until it can run alone. A decode that cannot start within ``wait_seconds`` is refused as busy.
    """

    def __init__(self, memory_bytes: int, decodes: int, wait_seconds: float = DECODE_WAIT_SECONDS):
        self.memory_bytes = memory_bytes
        self.decodes = max(1, decodes)
        self.wait_seconds = wait_seconds
        self.running = 0
        self.held = 0
        self._turn = threading.Condition()

    @contextmanager
    def hold(self, cost: int, name: str) -> Iterator[None]:
        cost = min(cost, self.memory_bytes)
        with self._turn:
            if not self._turn.wait_for(
                lambda: self.running < self.decodes and self.held + cost <= self.memory_bytes, self.wait_seconds
            ):
                raise UploadRefusedError("busy", name)
            self.running += 1
            self.held += cost
        try:
            yield
        finally:
            with self._turn:
                self.running -= 1
                self.held -= cost
                self._turn.notify_all()


UNLIMITED = DecodeBudget(memory_bytes=2**62, decodes=2**31)


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int


# -- receiving and sniffing ----------------------------------------------------------------------
def receive(stream: Readable, target: Path, rules: UploadRules, name: str) -> tuple[int, str, bytes]:
    """Copy at most ``max_bytes + 1`` bytes to ``target``: one byte too many is enough to refuse."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    with target.open("xb") as out:
        while chunk := stream.read(min(CHUNK_BYTES, rules.max_bytes + 1 - size)):
            size += len(chunk)
            if size > rules.max_bytes:
                raise UploadRefusedError("too_large", name)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise UploadRefusedError("empty", name)
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


def decodable(content_type: str) -> bool:
    return DECODERS.get(content_type) in _pillow_formats()


# -- images ------------------------------------------------------------------------------------
def reencode(source: Path, pillow_format: str, name: str, budget: DecodeBudget = UNLIMITED) -> Encoded:
    """Decode, orient, strip and re-encode; every decoding failure is the user's file, not our bug.

    The size comes from the header first: an image declaring more than ``MAX_PIXELS`` is refused
    before a pixel is decoded, and the rest waits for its share of the process's ``budget``.
    """
    limit_mp = MAX_PIXELS // 1_000_000
    try:
        with Image.open(source, formats=[pillow_format]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise UploadRefusedError("too_many_pixels", name, pixels=limit_mp)
            opened.draft(None, (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale where it can
            cost = opened.width * opened.height * max(4, len(opened.getbands())) * DECODE_OVERHEAD
            with budget.hold(cost, name):
                return _encode(opened)
    except UploadRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefusedError("too_many_pixels", name, pixels=limit_mp) from None
    except Exception:  # Pillow's decoders fail in many ways on damaged files; all mean the same here
        raise UploadRefusedError("unreadable", name) from None


def _encode(opened: Image.Image) -> Encoded:
    icc = opened.info.get("icc_profile") if opened.mode != "CMYK" else None
    keep_png = opened.format == "PNG"
    ImageOps.exif_transpose(opened, in_place=True)  # in place: no second copy of every pixel
    image = _flattened(opened, keep_alpha=keep_png)
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
    content_type = "image/png" if keep_png else "image/jpeg"
    return Encoded(data.getvalue(), thumbnail.getvalue(), content_type, width, height)


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
