"""The Gateway API client: the only code that talks HTTP to Genesys Cloud.

Import what you need from here; errors live in ``reconciler.gateway.errors``.
"""

from reconciler.gateway.client import GatewayClient
from reconciler.gateway.regions import endpoints_for_region
from reconciler.gateway.settings import ClientSettings, ClientStats

__all__ = ["ClientSettings", "ClientStats", "GatewayClient", "endpoints_for_region"]
