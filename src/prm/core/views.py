from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """200 with the database status when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return JsonResponse(
            {"status": "error", "database": {"status": "down", "error": exc.__class__.__name__}},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"status": "up", "vendor": connection.vendor}})
