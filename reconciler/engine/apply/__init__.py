"""Applying: sending writes to the Gateway and waiting for them to settle.

The client connection, the writes (paced, parallel, never a blind resend), polling until
ACTIVE or FAILED, health checks and invocations. Emits events (``record.events``) and records
through ``record``; imports ``plan`` and ``record``, never the jobs above it.
"""
