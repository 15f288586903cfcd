"""Performance metrics: metrics, observations, their sources and derivations, supplier
deliveries and reseller sales.
"""

from django.urls import path

from prm.metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.metric_list, name="list"),
    path("new/", views.metric_create, name="metric_create"),
    path("<int:metric_id>/", views.metric_detail, name="metric_detail"),
    path("<int:metric_id>/edit/", views.metric_edit, name="metric_edit"),
    path("observations/", views.observation_list, name="observation_list"),
    path("observations/new/", views.observation_create, name="observation_create"),
    path("deliveries/", views.delivery_overview, name="deliveries"),
    path("partners/<int:partner_id>/", views.partner_metrics, name="partner"),
    path("portal/", views.portal_metrics, name="portal"),
]
