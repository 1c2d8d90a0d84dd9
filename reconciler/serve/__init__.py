"""``reconcile serve``: the configurator service, an HTTP API and a web page over the engine.

People who do not live in git configure and try models here, but the service is no second way
to change production: a configuration becomes a validated manifest committed on a branch (and a
pull request), and only environments whose policy says ``serveApply: true`` are applied
directly, through the same main job, audit log and snapshot as the CLI. Every route calls the
engine's and the reporters' public functions; nothing here plans, validates or invokes by itself.
"""

from reconciler.serve.server import serve
from reconciler.serve.settings import ServeSettings

__all__ = ["ServeSettings", "serve"]
