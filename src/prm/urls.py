from django.contrib import admin
from django.urls import include, path

from prm.api.root import api
from prm.core.views import healthz

urlpatterns = [
    path("", include("prm.dashboard.urls")),
    path("accounts/", include("prm.accounts.urls")),
    path("partners/", include("prm.partners.urls")),
    path("sourcing/", include("prm.sourcing.urls")),
    path("contracts/", include("prm.contracts.urls")),
    path("onboarding/", include("prm.onboarding.urls")),
    path("deals/", include("prm.sales.urls")),
    path("leads/", include("prm.leads.urls")),
    path("commissions/", include("prm.commissions.urls")),
    path("metrics/", include("prm.metrics.urls")),
    path("scorecards/", include("prm.scorecards.urls")),
    path("tiers/", include("prm.tiers.urls")),
    path("reviews/", include("prm.reviews.urls")),
    path("risks/", include("prm.risks.urls")),
    path("corrective-actions/", include("prm.corrective_actions.urls")),
    path("imports/", include("prm.imports.urls")),
    path("audit/", include("prm.audit.urls")),
    path("notifications/", include("prm.notifications.urls")),
    path("portal/", include("prm.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
