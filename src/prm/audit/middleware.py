from prm.audit.context import Channel, acting


class AuditContextMiddleware:
    """Attributes changes made while serving a web request to the signed-in user.

    API requests are attributed by the API's own authentication (``prm.api.auth``), which
    knows the token's user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting(user, Channel.UI, getattr(request, "impersonator", None)):
            return self.get_response(request)
