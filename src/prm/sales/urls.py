from django.urls import path

from prm.sales import views

app_name = "sales"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("board/", views.deal_board, name="board"),
    path("forecast/", views.deal_forecast, name="forecast"),
    path("new/", views.deal_create, name="create"),
    path("<int:pk>/", views.deal_detail, name="detail"),
    path("<int:pk>/edit/", views.deal_edit, name="edit"),
    path("<int:pk>/delete/", views.deal_delete, name="delete"),
    path("<int:pk>/decide/", views.deal_decide, name="decide"),
    path("<int:pk>/move/", views.deal_move, name="move"),
    path("<int:pk>/extend/", views.deal_extend, name="extend"),
    path("<int:pk>/activities/", views.activity_add, name="activity_add"),
    path(
        "<int:pk>/activities/<int:activity_id>/share/",
        views.activity_share,
        name="activity_share",
    ),
    path("<int:pk>/partners/", views.deal_partner_add, name="partner_add"),
    path(
        "<int:pk>/partners/<int:link_id>/remove/",
        views.deal_partner_remove,
        name="partner_remove",
    ),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/register/", views.portal_register, name="portal_register"),
    path("portal/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:pk>/edit/", views.portal_edit, name="portal_edit"),
    path("portal/<int:pk>/activities/", views.portal_activity_add, name="portal_activity_add"),
]
