from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.imports import exports, registry, services, writers
from prm.imports.engine import Report
from prm.imports.forms import UploadForm
from prm.imports.models import ImportRun

RECENT_RUNS = 20


def importer_required(view):
    """Importing is for staff who may change data: portal users get 404 (the back office is
    not theirs to find), analysts 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_staff_role:
            raise Http404
        if not any(entity.can_import(user) for entity in registry.entities()):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _entity_or_404(name: str) -> registry.Entity:
    entity = registry.get(name)
    if entity is None:
        raise Http404
    return entity


@importer_required
def index(request):
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"entity": request.GET.get("entity", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_preview(
                actor=request.user,
                entity_name=form.cleaned_data["entity"],
                upload=form.cleaned_data["file"],
                allow_duplicates=form.cleaned_data["allow_duplicates"],
            )
        except BusinessError as exc:
            form.add_error("entity" if exc.field == "entity" else "file", str(exc.message))
        else:
            return redirect("imports:run", pk=run.pk)
    runs = access.scope(request.user, ImportRun).select_related("user")[:RECENT_RUNS]
    importable = [e for e in registry.entities() if e.can_import(request.user)]
    return render(
        request,
        "imports/index.html",
        {"form": form, "runs": runs, "entities": importable, "language": get_language()},
    )


@importer_required
def run_detail(request, pk: int):
    run = access.get_object(request.user, ImportRun, Action.VIEW, pk=pk)
    report = Report.from_json(run.report)
    entity = registry.get(run.entity)
    labels = {}
    if entity is not None:
        for column in entity.columns:
            labels[column.field] = column.header(get_language())
    columns = [{"header": c["header"], "field": labels.get(c["field"], "")} for c in report.columns]
    return render(
        request,
        "imports/run.html",
        {
            "run": run,
            "report": report,
            "entity": entity,
            "columns": columns,
            "can_apply": run.status == ImportRun.Status.PREVIEWED
            and access.can(request.user, run, Action.CHANGE),
        },
    )


@require_POST
@importer_required
def run_apply(request, pk: int):
    run = access.get_object(request.user, ImportRun, Action.CHANGE, pk=pk)
    try:
        run = services.import_apply(actor=request.user, run=run)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("imports:run", pk=pk)
    report = Report.from_json(run.report)
    if run.status == ImportRun.Status.APPLIED:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
    else:
        messages.error(
            request,
            _(
                "Nothing was imported: %(count)d row(s) have errors now. Correct the file and "
                "upload it again."
            )
            % {"count": report.rejected_rows},
        )
    return redirect("imports:run", pk=pk)


def _format(request) -> str | None:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in writers.FORMATS else None


def _file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    content_type = writers.XLSX_CONTENT_TYPE if fmt == "xlsx" else writers.CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
def export(request, entity: str):
    """The rows of a list page, with its filters, as a file. The access layer decides which
    rows: a partner user gets only its own partner's."""
    entity = _entity_or_404(entity)
    if not entity.can_export(request.user):
        if request.user.is_portal_role:
            raise Http404
        raise PermissionDenied
    fmt = _format(request)
    if fmt is None:
        return _bad_request(_("Choose the format csv or xlsx."))
    filterset, queryset = entity.export_queryset(request.user, request.GET, request)
    if filterset is not None and not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(map(str, errors))}" for name, errors in filterset.errors.items()
        )
        return _bad_request(_("The filters are not valid: %(errors)s") % {"errors": problems})
    content = exports.render(entity, queryset, fmt, get_language())
    return _file_response(content, fmt, exports.filename(entity, fmt))


@importer_required
def template(request, entity: str):
    """An empty file with the entity's headers, to fill in and import."""
    entity = _entity_or_404(entity)
    if not entity.can_import(request.user):
        raise PermissionDenied
    fmt = _format(request)
    if fmt is None:
        return _bad_request(_("Choose the format csv or xlsx."))
    language = get_language()
    head = [c.header(language) for c in entity.columns if not c.export_only and c.field != "id"]
    if fmt == "xlsx":
        content = writers.xlsx_bytes(head, [], title=entity.name)
    else:
        content = writers.csv_bytes(head, [])
    return _file_response(content, fmt, f"{entity.name}-template.{fmt}")
