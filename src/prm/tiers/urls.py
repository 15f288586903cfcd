from django.urls import path

from prm.tiers import views

app_name = "tiers"

urlpatterns = [
    path("", views.program, name="program"),
    path("review/", views.review, name="review"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:tier_proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:tier_proposal_id>/approve/", views.proposal_approve, name="proposal_approve"
    ),
    path(
        "proposals/<int:tier_proposal_id>/override/",
        views.proposal_override,
        name="proposal_override",
    ),
    path("partners/<int:partner_id>/", views.history, name="history"),
    path("portal/", views.portal, name="portal"),
    path("portal/dashboard/", views.portal_dashboard, name="portal_dashboard"),
]
