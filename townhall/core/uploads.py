"""Checks every uploaded file by its content, not its name, and strips photo metadata.

A photo's EXIF GPS position is read first (to suggest where the problem is), then the image is
re-encoded so the stored copy carries no EXIF at all (no location, no camera serial).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str
    gps_lat: float | None = None
    gps_lon: float | None = None

    @property
    def storage_name(self) -> str:
        return f"file{self.extension}"


def _human_size(size: int) -> str:
    return f"{size // (1024 * 1024)}MB"


def _gps_degrees(values, ref: str) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if ref in ("S", "W") else degrees


def exif_gps(image: Image.Image) -> tuple[float | None, float | None]:
    """Latitude and longitude from a photo's EXIF, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # malformed EXIF is common; it only loses the suggestion
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _gps_degrees(gps.get(2), gps.get(1, "N"))
    lon = _gps_degrees(gps.get(4), gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return round(lat, 6), round(lon, 6)


def _check_image(data: bytes, name: str) -> CheckedFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise UnidentifiedImageError(image.format)
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"{name} is too large a picture: use a smaller photo.")
            lat, lon = exif_gps(image)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombWarning) as e:
        raise ValidationError(
            f"{name} is not a photo we can read. Choose a JPG or PNG photo."
        ) from e
    content_type, extension = IMAGE_FORMATS[image.format]
    clean = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if image.format == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    cleaned = out.getvalue()
    return CheckedFile(
        content=ContentFile(cleaned),
        original_name=name,
        content_type=content_type,
        extension=extension,
        size=len(cleaned),
        sha256=hashlib.sha256(cleaned).hexdigest(),
        gps_lat=lat,
        gps_lon=lon,
    )


def _check_pdf(data: bytes, name: str) -> CheckedFile:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValidationError(f"{name} is not a PDF we can read.")
    return CheckedFile(
        content=ContentFile(data),
        original_name=name,
        content_type="application/pdf",
        extension=".pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def upload_check(uploaded, accept: tuple[str, ...] = ("image",)) -> CheckedFile:
    """Validate one uploaded file by content; raise ValidationError with a message to show."""
    name = (getattr(uploaded, "name", "") or "file").rsplit("/", 1)[-1][:200]
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(f"{name} must be smaller than {_human_size(limit)}.")
    if uploaded.size == 0:
        raise ValidationError(f"{name} is empty.")
    data = uploaded.read()
    if data.startswith(b"%PDF-"):
        if "pdf" not in accept:
            raise ValidationError(f"{name} must be a photo (JPG or PNG), not a PDF.")
        return _check_pdf(data, name)
    if "image" not in accept:
        raise ValidationError(f"{name} must be a PDF.")
    return _check_image(data, name)
