"""What may be uploaded as a partner document: size and type, checked by content."""

from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from prm.core.errors import BusinessError

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office and HWP files

# extension → (content type, accepted leading bytes; None for text)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,)),
    ".hwp": ("application/x-hwp", (OLE,)),
    ".hwpx": ("application/hwp+zip", (ZIP,)),
    ".zip": ("application/zip", (ZIP,)),
    ".csv": ("text/csv", None),
    ".txt": ("text/plain", None),
}


def check_upload(upload, *, max_mb: int) -> str:
    """The content type of an acceptable upload; BusinessError for a file too large, of a
    type not accepted, or whose content does not match its extension."""
    if upload.size > max_mb * 1024 * 1024:
        raise BusinessError(
            _("The file is too large: %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": max_mb},
            code="too_large",
            status=413,
            field="file",
        )
    if upload.size == 0:
        raise BusinessError(_("The file is empty."), field="file")
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise BusinessError(
            _("Files of type %(type)s are not accepted; use one of: %(allowed)s")
            % {"type": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
            field="file",
        )
    content_type, signatures = ALLOWED_TYPES[suffix]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        ok = b"\x00" not in head
    else:
        ok = any(head.startswith(sig) for sig in signatures)
    if not ok:
        raise BusinessError(
            _("The file's content does not match its %(type)s extension.") % {"type": suffix},
            code="file_type",
            field="file",
        )
    return content_type
