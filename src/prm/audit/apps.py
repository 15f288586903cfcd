from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "prm.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from prm.audit import recording
        from prm.core.navigation import NavItem, register

        for model in apps.get_models():
            if getattr(model, "audited", False):
                recording.connect(model)
        user_logged_in.connect(recording.record_login, dispatch_uid="audit-login")
        register(NavItem("audit", _("Audit log"), "audit:list", "clock-history", order=900))
