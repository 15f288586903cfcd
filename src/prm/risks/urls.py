"""Risk management: the register, 5x5 assessment, signals, responses, mitigation actions and
the heat map (back office only)."""

from django.urls import path

from prm.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("cell/", views.cell, name="cell"),
    path("register/", views.risk_list, name="list"),
    path("new/", views.risk_create, name="create"),
    path("<int:risk_id>/", views.risk_detail, name="detail"),
    path("<int:risk_id>/edit/", views.risk_edit, name="edit"),
    path("<int:risk_id>/delete/", views.risk_delete, name="delete"),
    path("<int:risk_id>/assess/", views.risk_assess, name="assess"),
    path("<int:risk_id>/strategy/", views.risk_strategy, name="strategy"),
    path("<int:risk_id>/close/", views.risk_close, name="close"),
    path("<int:risk_id>/reopen/", views.risk_reopen, name="reopen"),
    path("<int:risk_id>/actions/add/", views.action_add, name="action_add"),
    path("actions/<int:mitigation_action_id>/", views.action_update, name="action_update"),
    path(
        "actions/<int:mitigation_action_id>/evidence/",
        views.action_download,
        name="action_download",
    ),
    path("signals/", views.signal_list, name="signals"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/rules/<slug:rule_code>/", views.rule_update, name="rule_update"),
    path("settings/bands/", views.bands_update, name="bands_update"),
    path("settings/scale/<int:scale_level_id>/", views.scale_edit, name="scale_edit"),
    path("report.xlsx", views.report, {"file_format": "xlsx"}, name="report_xlsx"),
    path("report.pdf", views.report, {"file_format": "pdf"}, name="report_pdf"),
]
