"""API shapes of metrics and observations."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.metrics.models import Metric, Observation


class MetricOut(Schema):
    id: int
    code: str
    name: str = Field(description="in the language of the request")
    name_ko: str
    name_en: str
    unit: str
    direction: str = Field(description="higher or lower (which is better)")
    rollup: str = Field(description="sum, average, last or ratio")
    numerator: str | None = Field(description="code of the numerator metric (ratio)")
    denominator: str | None = Field(description="code of the denominator metric (ratio)")
    multiplier: Decimal
    integer: bool
    min_value: Decimal | None
    max_value: Decimal | None
    source: str = Field(description="manual, import, api or derived")
    derivation: str
    description: str
    active: bool

    @staticmethod
    def resolve_name(obj: Metric) -> str:
        return obj.name

    @staticmethod
    def resolve_numerator(obj: Metric) -> str | None:
        return obj.numerator.code if obj.numerator_id else None

    @staticmethod
    def resolve_denominator(obj: Metric) -> str | None:
        return obj.denominator.code if obj.denominator_id else None


class MetricIn(InputSchema):
    code: str = Field(max_length=63)
    name_ko: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    unit: str = Field("", max_length=16)
    direction: str = "higher"
    rollup: str = "sum"
    numerator: str | None = None
    denominator: str | None = None
    multiplier: Decimal = Decimal("1")
    integer: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    source: str = "manual"
    derivation: str = ""
    description: str = ""
    active: bool = True


class MetricPatch(InputSchema):
    code: str | None = Field(None, max_length=63)
    name_ko: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=16)
    direction: str | None = None
    rollup: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    multiplier: Decimal | None = None
    integer: bool | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    source: str | None = None
    derivation: str | None = None
    description: str | None = None
    active: bool | None = None


class ObservationOut(Schema):
    id: int
    partner: int
    metric: str = Field(description="metric code")
    period: str = Field(description="label: 2026-11-05, 2026-11, 2026-Q3 or 2026")
    period_kind: str
    period_start: date
    value: Decimal
    unit: str
    source: str
    note: str
    recorded_at: datetime

    @staticmethod
    def resolve_partner(obj: Observation) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_metric(obj: Observation) -> str:
        return obj.metric.code

    @staticmethod
    def resolve_period(obj: Observation) -> str:
        return obj.period_label

    @staticmethod
    def resolve_unit(obj: Observation) -> str:
        return obj.metric.unit


class ObservationIn(InputSchema):
    partner: ObjectId
    metric: ObjectId | str = Field(description="metric code (or id)")
    period: str = Field(max_length=10, description="2026-11-05, 2026-11, 2026-Q3 or 2026")
    value: Decimal
    unit: str | None = Field(None, max_length=16, description="checked against the metric's")
    note: str = Field("", max_length=500)


class ObservationBulkIn(InputSchema):
    observations: list[ObservationIn] = Field(max_length=5000)
