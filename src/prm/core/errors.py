"""One error type for business rules.

Services raise :class:`BusinessError`; the UI shows its message, the API answers it as
``{"detail": message, "code": code, ...details}`` with its status. Messages are translated
when raised (lazy strings), so the user's language applies.
"""

from typing import Any


class BusinessError(Exception):
    def __init__(
        self,
        message: Any,
        *,
        code: str = "invalid",
        status: int = 400,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status = status
        self.field = field
        self.details = details or {}

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": str(self.message), "code": self.code}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class UnscopedQueryError(RuntimeError):
    """A partner-owned queryset was read or written without passing the access layer."""
