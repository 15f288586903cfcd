import csv
import io
from pathlib import Path

from django.core.management import call_command

from prm.audit.models import AuditEntry
from prm.core import access
from prm.partners.models import Contact, Partner

FILES = Path(__file__).parent / "files"


def csv_bytes(headers: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def run_import(entity: str, path: Path, *args: str) -> tuple[str, str]:
    """Run ``prm import``; returns (stdout, stderr). Raises CommandError on failure."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import", entity, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def partners() -> list[Partner]:
    return list(access.unrestricted(Partner).order_by("name"))


def partner(**lookup) -> Partner:
    return access.unrestricted(Partner).get(**lookup)


def contacts() -> list[Contact]:
    return list(access.unrestricted(Contact).order_by("name"))


def audit_count() -> int:
    return access.unrestricted(AuditEntry).count()
