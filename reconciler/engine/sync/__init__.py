"""The pull-based agent (CONTRACT section 8): rounds of fetch, plan and, where the
environment's ``policy.sync`` allows, the main job's own apply.

``causes`` tells drift from git work and holds drift back; ``round`` runs one round;
``loop`` repeats rounds with jitter, backoff and a graceful stop; ``metrics`` and ``notify``
watch the rounds. Nothing here applies by itself: every write goes through
``engine.jobs.mainjob.run_job``, so the lock, the lease, the records and the push are the main
job's.
"""
