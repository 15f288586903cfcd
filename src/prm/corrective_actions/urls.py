from django.urls import path

from prm.corrective_actions import views

app_name = "corrective_actions"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("response-times/", views.response_times, name="response_times"),
    path("new/", views.request_create, name="create"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/edit/", views.request_edit, name="edit"),
    path("<int:request_id>/delete/", views.request_delete, name="delete"),
    path("<int:request_id>/send/", views.request_send, name="send"),
    path("<int:request_id>/accept/", views.request_accept, name="accept"),
    path("<int:request_id>/return/", views.request_return, name="return"),
    path("<int:request_id>/cancel/", views.request_cancel, name="cancel"),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/<int:request_id>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:request_id>/answer/", views.portal_answer, name="portal_answer"),
    path("portal/<int:request_id>/evidence/", views.portal_evidence, name="portal_evidence"),
]
