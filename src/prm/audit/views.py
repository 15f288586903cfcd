"""The audit log page: every recorded change, searchable, for staff."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from prm.audit import selectors
from prm.core.decorators import staff_required
from prm.core.pagination import paginate


@require_GET
@staff_required
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset, entries = selectors.audit_list(
        user=request.user, params=request.GET, request=request
    )
    page = paginate(request, entries)
    page.object_list = selectors.with_change_rows(page.object_list, user=request.user)
    form = filterset.form
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select)
        field.widget.attrs["class"] = (
            "form-select form-select-sm" if select else "form-control form-control-sm"
        )
    template = "audit/list.html"
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "audit-results" and not htmx.history_restore_request:
        template += "#results"
    return render(request, template, {"filterset": filterset, "form": form, "page": page})
