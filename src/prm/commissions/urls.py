from django.urls import path

from prm.commissions import views

app_name = "commissions"

urlpatterns = [
    path("", views.statement_list, name="statement_list"),
    path("statements/generate/", views.statement_generate, name="statement_generate"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/approve/", views.statement_approve, name="statement_approve"),
    path("statements/<int:pk>/pay/", views.statement_pay, name="statement_pay"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:pk>/pdf/", views.portal_pdf, name="portal_pdf"),
    path("portal/<int:pk>/xlsx/", views.portal_xlsx, name="portal_xlsx"),
]
