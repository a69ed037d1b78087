"""The OpenAPI declarations drf-spectacular cannot infer from the views on its own."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS, AllowAny

from .permissions import ModelPermissionsOrAnonReadOnly

ERROR = "An error object with a 'detail' message (or field-level messages for a 400)."
ERRORS = {
    "400": "Invalid input: a filter, ordering or body field (named in the response).",
    "404": "No such record visible to you, or an invalid pagination cursor.",
}
WRITE_ERRORS = {
    "401": "Not logged in (send a token or session).",
    "403": "Logged in, but without the permission for this change.",
    "409": "Clashes with an existing record, or someone else changed it first.",
}


class CatalogueAutoSchema(AutoSchema):
    """Reads are open to anonymous clients, so their security lists ``{}`` (no
    credentials) next to the token and session schemes; and every operation documents
    the client errors it can answer with."""

    def open_to_anonymous(self) -> bool:
        permissions = self.view.get_permissions()
        if any(isinstance(p, AllowAny) for p in permissions):
            return True
        return self.method in SAFE_METHODS and any(
            isinstance(p, ModelPermissionsOrAnonReadOnly) for p in permissions
        )

    def get_auth(self):
        auths = super().get_auth()
        if self.open_to_anonymous() and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(ERRORS)
        writes = self.method not in SAFE_METHODS
        if writes:
            errors.update(WRITE_ERRORS)
        elif not self.open_to_anonymous():
            errors.update({"401": WRITE_ERRORS["401"], "403": "Staff only."})
        for code, description in errors.items():
            responses.setdefault(code, {"description": f"{description} {ERROR}"})
        return responses
