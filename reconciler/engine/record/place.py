"""Where a job's records live and whether they are committed: one answer for every job.

A ``--sandbox`` run's snapshot and audit log describe the emulator, not the Gateway. Written
to the checkout's ``state/<env>/`` they were taken by the next real run for a crashed run's
leftovers and committed into the team's hash-chained log; so they live under
``.reconciler/sandbox/state/<env>/`` (``structs.paths.records_root``), in the same formats,
and are never committed or pushed, whoever asks. The CLI refuses ``--sandbox --commit``;
the service and the sync agent, which commit by design, commit nothing of a sandbox run.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.structs.paths import records_root


class RecordsPlace:
    """Mixed into a job's request (a dataclass with these four fields)."""

    root: Path
    sandbox: bool
    commit: bool
    push: bool

    @property
    def records(self) -> Path:
        """The folder whose ``state/<env>/`` this run reads and writes its records in."""
        return records_root(self.root, sandbox=self.sandbox)

    @property
    def writes_back(self) -> bool:
        """Whether the run commits its records (and a crashed run's leftovers first)."""
        return (self.commit or self.push) and not self.sandbox

    @property
    def pushes_back(self) -> bool:
        """Whether the run pushes that commit (and takes the remote lease for it)."""
        return self.push and not self.sandbox
