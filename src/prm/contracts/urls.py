from django.urls import path

from prm.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/edit/", views.contract_edit, name="edit"),
    path("<int:contract_id>/delete/", views.contract_delete, name="delete"),
    path("<int:contract_id>/terms/add/", views.term_add, name="term_add"),
    path("terms/<int:term_id>/delete/", views.term_delete, name="term_delete"),
    path("<int:contract_id>/rounds/add/", views.round_add, name="round_add"),
    path("rounds/<int:round_id>/accept/", views.round_accept, name="round_accept"),
    path("rounds/<int:round_id>/comment/", views.comment_add, name="comment_add"),
    path("rounds/<int:round_id>/download/", views.round_download, name="round_download"),
    path("<int:contract_id>/sign/", views.contract_sign, name="sign"),
    path("<int:contract_id>/renew/", views.contract_renew, name="renew"),
    path("<int:contract_id>/terminate/", views.contract_terminate, name="terminate"),
    path("compliance/", views.compliance_list, name="compliance_list"),
    path(
        "compliance/partners/<int:partner_id>/",
        views.compliance_partner,
        name="compliance_partner",
    ),
    path(
        "compliance/partners/<int:partner_id>/upload/",
        views.compliance_upload,
        name="compliance_upload",
    ),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/<int:contract_id>/", views.portal_detail, name="portal_detail"),
    path("portal/rounds/<int:round_id>/comment/", views.portal_comment, name="portal_comment"),
    path("portal/compliance/", views.portal_compliance, name="portal_compliance"),
    path(
        "portal/compliance/upload/",
        views.portal_compliance_upload,
        name="portal_compliance_upload",
    ),
]
