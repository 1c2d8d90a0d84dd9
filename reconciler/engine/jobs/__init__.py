"""Jobs: what a command or the service asks the engine to do, from start to exit code.

The main job (``mainjob``: a plan job, or an apply job under the environment's lock), drift,
import, promote, invoke and unlock. Each takes a typed request and hooks from its caller
(``request``) and returns an exit code; jobs use the rooms below and never each other's
internals.
"""
