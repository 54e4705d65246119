"""How the OpenAPI schema describes the portal's API tokens: as DRF's were ("tokenAuth",
``Authorization: Token <token>``), so the published schema and clients stay the same."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class PortalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.auth.PortalTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None))
