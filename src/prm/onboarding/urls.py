from django.urls import path

from prm.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/approve/", views.application_approve, name="approve"),
    path("applications/<int:pk>/reject/", views.application_reject, name="reject"),
    path(
        "applications/<int:pk>/request-info/", views.application_request_info, name="request_info"
    ),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("journeys/", views.journey_list, name="journeys"),
    path("journeys/<int:pk>/", views.journey_detail, name="journey"),
    path("journeys/<int:pk>/steps/add/", views.step_add, name="step_add"),
    path("partners/<int:pk>/start-journey/", views.journey_start, name="journey_start"),
    path("journey-steps/<int:pk>/complete/", views.step_complete, name="step_complete"),
    path("journey-steps/<int:pk>/skip/", views.step_skip, name="step_skip"),
    path("checklist/", views.checklist, name="checklist"),
    path(
        "checklist/journey-steps/<int:pk>/complete/",
        views.checklist_step_complete,
        name="checklist_step_complete",
    ),
]
