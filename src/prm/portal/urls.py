from django.urls import path

from prm.onboarding import views as onboarding_views
from prm.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.profile, name="profile"),
    path("company/edit/", views.profile_edit, name="profile_edit"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/add/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("users/", views.users, name="users"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/resend/", views.user_resend, name="user_resend"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/remove/", views.user_remove, name="user_remove"),
    path("documents/", views.documents, name="documents"),
    path("documents/upload/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("apply", onboarding_views.apply, name="apply"),
]
