import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.imports import exports, registry, writers


class Command(BaseCommand):
    help = (
        "Export an entity as CSV or XLSX: prm export <entity> [--format csv|xlsx] "
        "[--output FILE]. The file can be imported back as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("entity", choices=registry.names())
        parser.add_argument("--format", choices=writers.FORMATS, default="csv")
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="where to write; '-' for standard output; default: <entity>-<date>.<format>",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="export only what this user may see (default: everything)",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the headers and labels",
        )

    def handle(self, *args, **options):
        entity = registry.get(options["entity"])
        user = None
        if options["as_email"]:
            user = User.objects.filter(email__iexact=options["as_email"], is_active=True).first()
            if user is None:
                raise CommandError(
                    _("No active user has the e-mail address %(email)s.")
                    % {"email": options["as_email"]}
                )
            if not entity.can_export(user):
                raise CommandError(
                    _("%(email)s may not export %(entity)s.")
                    % {"email": user.email, "entity": entity.name}
                )
        fmt = options["format"]
        with translation.override(options["language"]):
            _filters, queryset = entity.export_queryset(user, None, None)
            count = queryset.count()
            content = exports.render(entity, queryset, fmt, options["language"])
        output = options["output"] or exports.filename(entity, fmt)
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}
            ) from exc
        self.stderr.write(
            _("Wrote %(count)d %(entity)s to %(file)s.")
            % {"count": count, "entity": entity.name, "file": output}
        )
