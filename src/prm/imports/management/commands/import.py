import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from prm.accounts.models import User
from prm.core.errors import BusinessError
from prm.imports import registry, services


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file: prm import <entity> FILE [--dry-run]. All or nothing: "
        "when any row has an error, nothing is written and every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("entity", choices=registry.names())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="act as this staff user (their rights apply; the audit log names them); "
            "without it the import runs as the system",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="create new partners even when their name or e-mail domain matches an "
            "existing partner (otherwise such rows are errors)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        actor = None
        if options["as_email"]:
            actor = User.objects.filter(email__iexact=options["as_email"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("No active user has the e-mail address %(email)s.")
                    % {"email": options["as_email"]}
                )

        def progress(rows, total):
            # tqdm draws only on a terminal (disable=None), so logs and pipes stay clean.
            return tqdm(
                rows,
                total=total,
                unit="row",
                desc=options["entity"],
                disable=True if options["no_progress"] else None,
                file=sys.stderr,
            )

        try:
            report = services.import_file(
                actor=actor,
                entity_name=options["entity"],
                path=options["file"],
                dry_run=options["dry_run"],
                allow_duplicates=options["allow_duplicates"],
                progress=progress,
            )
        except PermissionDenied as exc:
            raise CommandError(
                _("%(email)s may not import %(entity)s.")
                % {"email": actor.email, "entity": options["entity"]}
            ) from exc
        except BusinessError as exc:
            raise CommandError(str(exc.message)) from exc

        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for issue in report.errors:
            self.stderr.write(
                _("row %(row)d, %(column)s: %(message)s")
                % {"row": issue.row, "column": issue.column or "-", "message": issue.message}
            )
        counts = {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.errors:
            raise CommandError(
                _(
                    "Nothing was written: %(count)d of %(rows)d rows have errors. Correct them "
                    "and run the command again (--dry-run checks without writing)."
                )
                % {"count": report.rejected_rows, "rows": report.rows}
            )
        if report.dry_run:
            self.stdout.write(
                _(
                    "%(rows)d rows: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged. Dry run: nothing was written."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "%(rows)d rows: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged."
                    )
                    % counts
                )
            )
