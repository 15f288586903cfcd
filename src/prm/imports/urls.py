from django.urls import path

from prm.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/apply/", views.run_apply, name="apply"),
    path("export/<slug:entity>/", views.export, name="export"),
    path("template/<slug:entity>/", views.template, name="template"),
]
