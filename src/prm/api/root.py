"""The REST API at /api/v1/: one NinjaAPI, a router per capability, JSON errors."""

from ninja import NinjaAPI, Swagger

from prm.api import errors
from prm.api.auth import BrowserSessionAuth, TokenAuth
from prm.commissions.api import router as commissions_router
from prm.contracts.api import router as contracts_router
from prm.corrective_actions.api import router as corrective_actions_router
from prm.leads.api import router as leads_router
from prm.metrics.api import router as metrics_router
from prm.onboarding.api import router as onboarding_router
from prm.partners.api import router as partners_router
from prm.reviews.api import router as reviews_router
from prm.risks.api import router as risks_router
from prm.sales.api import router as sales_router
from prm.scorecards.api import router as scorecards_router
from prm.sourcing.api import router as sourcing_router
from prm.tiers.api import router as tiers_router


class PrmApi(NinjaAPI):
    """NinjaAPI whose URL patterns answer JSON even where ninja would not: a method the
    path does not take (405) and a path that does not exist under /api/v1/ (404)."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = errors.json_method_not_allowed(pattern.callback)
        return [*patterns, errors.unknown_path_pattern()], app_name, namespace


api = PrmApi(
    title="PRM API",
    version="1",
    description=(
        "Partner Relationship Management.\n\n"
        "Authenticate with `Authorization: Bearer <token>`: create a token on the "
        "*API tokens* page or with `prm token create --email E`. Lists answer "
        '`{"items": [...], "count": N}` and take `?page=` and `?page_size=` (at most 200). '
        'Errors answer `{"detail": "...", "code": "...", "field": "..."}` with a 4xx status.'
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI is served from ninja's own static files (no CDN); the online validator
    # badge would call swagger.io, so it is switched off.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)

api.add_router("/", partners_router)
api.add_router("/", sourcing_router, tags=["evaluations"])
api.add_router("/", contracts_router, tags=["contracts"])
api.add_router("/", onboarding_router, tags=["applications", "onboarding"])
api.add_router("/", sales_router, tags=["deals"])
api.add_router("/", leads_router, tags=["leads"])
api.add_router("/", commissions_router, tags=["commissions"])
api.add_router("/", metrics_router, tags=["metrics", "observations"])
api.add_router("/", scorecards_router, tags=["kpis", "scorecards"])
api.add_router("/", tiers_router, tags=["tiers"])
api.add_router("/", reviews_router, tags=["reviews"])
api.add_router("/", risks_router, tags=["risks"])
api.add_router("/", corrective_actions_router, tags=["corrective-actions"])
