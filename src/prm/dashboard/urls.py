from django.urls import path

from prm.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/data/", views.data, name="dashboard_data"),
]
