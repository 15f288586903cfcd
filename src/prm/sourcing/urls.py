from django.urls import path

from prm.sourcing import views

app_name = "sourcing"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/candidates/add/", views.candidate_add, name="candidate_add"),
    path("projects/<int:pk>/sources/add/", views.project_source_add, name="project_source_add"),
    path(
        "project-sources/<int:pk>/delete/",
        views.project_source_delete,
        name="project_source_delete",
    ),
    path("projects/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/notes/", views.candidate_notes, name="candidate_notes"),
    path("candidates/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("candidates/<int:pk>/sources/add/", views.source_add, name="source_add"),
    path("candidates/<int:pk>/decide/", views.candidate_decide, name="candidate_decide"),
    path("sources/<int:pk>/delete/", views.source_delete, name="source_delete"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("templates/<int:pk>/weights/", views.template_weights, name="template_weights"),
    path("templates/<int:pk>/ahp/", views.template_ahp, name="template_ahp"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/scores/", views.round_scores, name="round_scores"),
    path("rounds/<int:pk>/status/", views.round_status, name="round_status"),
    path("rounds/<int:pk>/delete/", views.round_delete, name="round_delete"),
]
