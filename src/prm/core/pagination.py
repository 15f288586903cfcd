from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows, per_page: int = PAGE_SIZE) -> Page:
    """One page of ``rows`` (?page=; out-of-range pages show the last one), with the page
    numbers to show around it for ``includes/pagination.html``."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page
