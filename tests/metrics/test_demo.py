"""The metrics demo step loads the real delivery lines and reseller sales of the demo's
partners, moved into recent years, and materialises the derived metrics."""

import datetime
import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from prm.core import access
from prm.metrics import datasets, demo, selectors
from prm.metrics.models import DeliveryLine, Observation, ResellerSale
from prm.metrics.periods import Period
from tests.conftest import make_partner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(datasets.datasets_root() is None, reason="no shared data sets"),
]


def test_demo_loads_recent_real_figures():
    supplier = make_partner(
        name="Exotic Liquids", external_id="demo:northwind:1", types=["supplier"]
    )
    reseller = make_partner(
        name="Bike store", external_id="demo:aw-reseller:AW00000001", types=["reseller"]
    )
    make_partner(name="Not in the data", external_id="demo:kr:1", types=["supplier"])
    today = timezone.localdate()
    ctx = SimpleNamespace(rng=random.Random(1), today=today, companies=[], log=print)
    summary = demo.seed(ctx)
    assert "delivery lines" in summary
    lines = access.unrestricted(DeliveryLine).filter(supplier=supplier)
    assert lines.count() > 10
    assert not access.unrestricted(DeliveryLine).exclude(supplier=supplier).exists()
    latest = max(line.order_date for line in lines)
    assert today - datetime.timedelta(days=366) < latest <= today
    assert access.unrestricted(ResellerSale).filter(reseller=reseller).exists()
    year = Period.containing("year", latest)
    values = selectors.values_for(
        metric_codes=["on_time_rate", "spend"], partner_ids=[supplier.pk], period=year
    )
    assert (supplier.pk, "on_time_rate") in values and values[(supplier.pk, "spend")] > 0
    assert (
        access.unrestricted(Observation)
        .filter(source="derived", partner=reseller, metric__code="revenue")
        .exists()
    )
