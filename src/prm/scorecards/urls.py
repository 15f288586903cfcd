"""KPIs as safe formulas over metrics, targets, weighted scorecards per period with standings
and their actions, disputes.
"""

from django.urls import path

from prm.scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("", views.result_list, name="list"),
    path("recompute/", views.recompute, name="recompute"),
    path("results/<int:result_id>/", views.result_detail, name="result_detail"),
    path("results/<int:result_id>/recompute/", views.result_recompute, name="result_recompute"),
    path("partners/<int:partner_id>/hold/", views.partner_hold, name="partner_hold"),
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<int:kpi_id>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<int:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:kpi_id>/targets/", views.target_add, name="target_add"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target_delete"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/<int:dispute_id>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:dispute_id>/reply/", views.dispute_reply, name="dispute_reply"),
    path("disputes/<int:dispute_id>/close/", views.dispute_close, name="dispute_close"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/<int:result_id>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:result_id>/dispute/", views.portal_dispute_open, name="portal_dispute_open"),
    path("portal/disputes/<int:dispute_id>/", views.portal_dispute, name="portal_dispute"),
    path(
        "portal/disputes/<int:dispute_id>/reply/",
        views.portal_dispute_reply,
        name="portal_dispute_reply",
    ),
]
