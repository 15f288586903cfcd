from django.contrib import admin

from prm.core.admin import ScopedModelAdmin
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale


@admin.register(Metric)
class MetricAdmin(ScopedModelAdmin):
    list_display = ("code", "name_ko", "name_en", "unit", "rollup", "source", "active")
    list_filter = ("rollup", "source", "active")
    search_fields = ("code", "name_ko", "name_en")


@admin.register(Observation)
class ObservationAdmin(ScopedModelAdmin):
    list_display = ("metric", "partner", "period_kind", "period_start", "value", "source")
    list_filter = ("period_kind", "source")
    raw_id_fields = ("partner",)


@admin.register(DeliveryLine)
class DeliveryLineAdmin(ScopedModelAdmin):
    list_display = ("supplier", "po_number", "line_number", "order_date", "promised_date")
    raw_id_fields = ("supplier",)
    search_fields = ("po_number", "item")


@admin.register(ResellerSale)
class ResellerSaleAdmin(ScopedModelAdmin):
    list_display = ("reseller", "external_id", "date", "amount", "currency")
    raw_id_fields = ("reseller",)
