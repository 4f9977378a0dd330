"""Files Townhall hands to people (uploaded photos and documents, CSV exports) are downloads,
never pages: `Content-Disposition: attachment` with a file name that cannot climb folders,
break the header or pass for another type, and `X-Content-Type-Options: nosniff`. A file a
resident uploaded then cannot run as a page in the council's origin, whatever it holds."""

import mimetypes
import re
from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# Letters, digits and a few marks survive; anything else (slashes, quotes, control
# characters, dots that would make hidden files or a second extension) becomes "-".
UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)
STEM_MAX = 80

# mimetypes' first guess for some types is odd (".jpe"); the ones people expect instead.
EXTENSIONS = {"image/jpeg": ".jpg", "text/plain": ".txt", "text/csv": ".csv"}


def download_filename(
    name: str, content_type: str, *, prefix: str = "", fallback: str = "download"
) -> str:
    """A safe file name: `prefix` and the stem of `name` (no folders, only letters, digits,
    - and _) and the extension of `content_type`, the type the file was checked to be, so
    "photo.html" served as a JPEG downloads as "photo.jpg"."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = "-".join(part for part in (prefix, stem) if part)
    stem = UNSAFE.sub("-", stem).strip("-_")[:STEM_MAX] or fallback
    kind = content_type.split(";", 1)[0].strip().lower()
    extension = EXTENSIONS.get(kind) or mimetypes.guess_extension(kind) or ""
    return stem + extension


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes that browsers save as `filename` (made safe with download_filename)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, download_filename(filename, content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_file_response(
    file: IO[bytes], *, filename: str, content_type: str, prefix: str = ""
) -> FileResponse:
    """A stored file, streamed, that browsers save as `prefix`-`filename` (made safe)."""
    response = FileResponse(
        file,
        as_attachment=True,
        filename=download_filename(filename, content_type, prefix=prefix),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
