from django.urls import path

from prm.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("saved-filters/", views.saved_filter_create, name="saved_filter_create"),
    path(
        "saved-filters/<int:filter_id>/delete/",
        views.saved_filter_delete,
        name="saved_filter_delete",
    ),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/contacts/", views.partner_detail, {"tab": "contacts"}, name="contacts"),
    path("<int:pk>/documents/", views.partner_detail, {"tab": "documents"}, name="documents"),
    path(
        "<int:pk>/interactions/",
        views.partner_detail,
        {"tab": "interactions"},
        name="interactions",
    ),
    path("<int:pk>/history/", views.partner_detail, {"tab": "history"}, name="history"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/stage/", views.partner_stage, name="stage"),
    path("<int:pk>/delete/", views.partner_delete, name="delete"),
    path("<int:pk>/merge/", views.partner_merge, name="merge"),
    path(
        "<int:pk>/merge/<int:duplicate_id>/",
        views.partner_merge_confirm,
        name="merge_confirm",
    ),
    path("<int:pk>/contacts/add/", views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/documents/upload/", views.document_upload, name="document_upload"),
    path(
        "documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path("documents/<int:document_id>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/interactions/add/", views.interaction_create, name="interaction_create"),
    path(
        "interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
]
