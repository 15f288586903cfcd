from django.urls import path

from prm.leads import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("rules/", views.rule_list, name="rules"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/route/", views.lead_reroute, name="reroute"),
    path("<int:pk>/convert/", views.lead_convert, name="convert"),
    path("<int:pk>/delete/", views.lead_delete, name="delete"),
    # The partner's side, in the portal's frame.
    path("portal/", views.portal_inbox, name="portal_inbox"),
    path("portal/<int:lead_id>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:lead_id>/accept/", views.portal_accept, name="portal_accept"),
    path("portal/<int:lead_id>/decline/", views.portal_decline, name="portal_decline"),
    path("portal/<int:lead_id>/convert/", views.portal_convert, name="portal_convert"),
]
