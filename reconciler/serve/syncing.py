"""``reconcile serve --sync ENV[,ENV]``: the sync agent's loop inside the service.

One ``SyncLoop`` per environment in a daemon thread, the same loop ``reconcile sync`` runs,
so a round here applies, records and pushes exactly as the agent does (``--push`` of the
service is the agent's ``--push``). The service's registry gets the agent's gauges, each
round's JSON line goes to stderr beside the access log, and the last report of each
environment is what ``GET /api/environments/{env}/sync`` answers. Closing the service stops
the loops between two steps and waits for a round in progress to finish its records.
"""

from __future__ import annotations

import threading
from typing import Any

from prometheus_client import CollectorRegistry

from reconciler.engine.sync.logline import json_log
from reconciler.engine.sync.loop import Pace, SyncLoop
from reconciler.engine.sync.metrics import SyncMetrics
from reconciler.engine.sync.round import SyncSettings
from reconciler.manifests import require_known
from reconciler.serve.settings import ServeSettings

STOP_GRACE = 600.0  # seconds a round in progress may take to finish when the service stops


class SyncAgents:
    """The service's agents, one per environment it was told to follow."""

    def __init__(self, settings: ServeSettings, registry: CollectorRegistry) -> None:
        envs = list(settings.sync_envs)
        if envs:
            require_known(settings.root, envs)
        metrics = SyncMetrics(registry) if envs else None
        observers = [metrics.observe, json_log()] if metrics else []
        self.loops = {
            env: SyncLoop(
                SyncSettings(
                    root=settings.root,
                    environment=env,
                    push=settings.push,
                    remote=settings.remote,
                    sandbox=settings.sandbox,
                    environ=settings.environ,
                    lock_timeout=settings.lock_timeout,
                ),
                pace=Pace(interval=settings.sync_interval),
                observers=observers,
            )
            for env in envs
        }
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for env, loop in self.loops.items():
            thread = threading.Thread(target=loop.run, name=f"sync-{env}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def ask_to_stop(self) -> None:
        """Each loop stops at its next step; ``stop`` waits for that."""
        for loop in self.loops.values():
            loop.stop()

    def stop(self) -> None:
        self.ask_to_stop()
        for thread in self._threads:
            thread.join(timeout=STOP_GRACE)

    def status(self, env: str) -> dict[str, Any]:
        """What the page shows of ``env``'s agent: whether one runs, its policy, last round."""
        loop = self.loops.get(env)
        if loop is None:
            return {"environment": env, "agent": False, "lastRound": None}
        last = loop.last
        policy = last.policy if last is not None else None
        return {
            "environment": env,
            "agent": True,
            "interval": loop.pace.interval,
            "rounds": loop.rounds,
            "failuresInARow": loop.failures,
            "policy": None
            if policy is None
            else {"auto": policy.auto, "selfHeal": policy.self_heal, "suspended": policy.suspended},
            "lastRound": last.as_dict() if last is not None else None,
        }
