from django.urls import path

from prm.reviews import views

app_name = "reviews"

PDF = {"extension": "pdf"}
XLSX = {"extension": "xlsx"}

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<int:review_id>/", views.review_detail, name="detail"),
    path("<int:review_id>/edit/", views.review_edit, name="edit"),
    path("<int:review_id>/status/", views.review_status, name="status"),
    path("<int:review_id>/delete/", views.review_delete, name="delete"),
    path("<int:review_id>/report.pdf", views.review_report, PDF, name="report_pdf"),
    path("<int:review_id>/report.xlsx", views.review_report, XLSX, name="report_xlsx"),
    path("<int:review_id>/action-items/add/", views.review_item_add, name="item_add"),
    path("action-items/", views.item_board, name="items"),
    path("action-items/new/", views.item_create, name="item_create"),
    path("action-items/<int:action_item_id>/", views.item_detail, name="item_detail"),
    path("action-items/<int:action_item_id>/edit/", views.item_edit, name="item_edit"),
    path("action-items/<int:action_item_id>/status/", views.item_status, name="item_status"),
    path("action-items/<int:action_item_id>/comment/", views.item_comment, name="item_comment"),
    path("action-items/<int:action_item_id>/delete/", views.item_delete, name="item_delete"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:business_plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:business_plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:business_plan_id>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:business_plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:business_plan_id>/goals/add/", views.goal_add, name="goal_add"),
    path("plans/<int:business_plan_id>/comment/", views.plan_comment, name="plan_comment"),
    path("goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/<int:review_id>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:review_id>/report.pdf", views.portal_report, PDF, name="portal_report_pdf"),
    path(
        "portal/<int:review_id>/report.xlsx", views.portal_report, XLSX, name="portal_report_xlsx"
    ),
    path("portal/action-items/", views.portal_items, name="portal_items"),
    path("portal/action-items/<int:action_item_id>/", views.portal_item, name="portal_item"),
    path(
        "portal/action-items/<int:action_item_id>/status/",
        views.portal_item_status,
        name="portal_item_status",
    ),
    path(
        "portal/action-items/<int:action_item_id>/comment/",
        views.portal_item_comment,
        name="portal_item_comment",
    ),
    path("portal/plans/<int:business_plan_id>/", views.portal_plan, name="portal_plan"),
    path(
        "portal/plans/<int:business_plan_id>/goals/add/",
        views.portal_goal_add,
        name="portal_goal_add",
    ),
    path(
        "portal/plans/<int:business_plan_id>/comment/",
        views.portal_plan_comment,
        name="portal_plan_comment",
    ),
]
