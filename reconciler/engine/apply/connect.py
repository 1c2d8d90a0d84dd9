"""Open a Gateway client for an environment: its region's hosts, or the embedded sandbox.

The sandbox is imported only when a run asks for it: a run against the Gateway (or a sandbox
server of its own) has no use for the emulator's server and state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from reconciler.engine.plan.secrets import resolve_one
from reconciler.gateway import ClientSettings, GatewayClient, endpoints_for_region
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import EnvironmentConfig

PROVISION_VARIABLE = "RECONCILE_SANDBOX_PROVISION_SECONDS"
DEFAULT_SANDBOX_DELAYS = (1.0, 3.0)


def sandbox_delays(environ: Mapping[str, str]) -> tuple[float, float]:
    """The embedded sandbox's provisioning delays: ``MIN:MAX`` seconds from the caller's
    environment (tests and demos want them near zero), 1-3 s when not set."""
    text = environ.get(PROVISION_VARIABLE)
    if not text:
        return DEFAULT_SANDBOX_DELAYS
    from reconciler.sandbox.settings import parse_range  # noqa: PLC0415 (see the docstring)

    try:
        return parse_range(text)
    except ValueError as exc:
        raise ConfigError(
            f"{PROVISION_VARIABLE}={text!r} is not MIN:MAX seconds",
            hint=f"set it like {PROVISION_VARIABLE}=0:0.5, or unset it for 1-3 s",
        ) from exc


@contextmanager
def open_client(
    config: EnvironmentConfig, *, environ: Mapping[str, str], sandbox_root: Path | None
) -> Iterator[GatewayClient]:
    """Yield a client; with ``sandbox_root`` an embedded sandbox serves it for the duration."""
    policy = config.policy
    if sandbox_root is not None:
        from reconciler.sandbox.embedded import (  # noqa: PLC0415 (see the docstring)
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            embedded_sandbox,
        )

        delays = sandbox_delays(environ)
        with embedded_sandbox(
            sandbox_root, organisation=config.name, provision_seconds=delays
        ) as server:
            settings = ClientSettings(
                api_base_url=server.base_url,
                login_base_url=server.base_url,
                client_id=DEFAULT_CLIENT_ID,
                client_secret=DEFAULT_CLIENT_SECRET,
                requests_per_minute=policy.requests_per_minute,
                pool_size=max(policy.max_parallel, 4),
                environment=config.name,
            )
            with GatewayClient(settings) as client:
                yield client
        return
    api, login = endpoints_for_region(
        config.region, api_base_url=config.api_base_url, login_base_url=config.login_base_url
    )
    settings = ClientSettings(
        api_base_url=api,
        login_base_url=login,
        client_id=resolve_one(config.client_id_ref, environ, what="credentials.clientId"),
        client_secret=resolve_one(
            config.client_secret_ref, environ, what="credentials.clientSecret"
        ),
        requests_per_minute=policy.requests_per_minute,
        pool_size=max(policy.max_parallel, 4),
        environment=config.name,
    )
    with GatewayClient(settings) as client:
        yield client
