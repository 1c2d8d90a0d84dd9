"""The Gateway API emulator: CONTRACT section 6 served on loopback.

It is the embedded default of ``--sandbox`` runs, the server every integration test talks to,
and the bench for performance and fault tests; its value is that a client cannot tell it from
the platform on anything the contract describes.
"""

from reconciler.sandbox.clock import Clock, ManualClock, SystemClock
from reconciler.sandbox.server import SandboxServer
from reconciler.sandbox.settings import ClientSpec, SandboxSettings

__all__ = ["ClientSpec", "Clock", "ManualClock", "SandboxServer", "SandboxSettings", "SystemClock"]
