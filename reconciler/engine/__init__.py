"""The engine: plan, apply, drift. It takes typed options and returns values and exit codes.

It talks to the Gateway only through ``reconciler.gateway``, reads manifests only through
``reconciler.manifests`` and never touches click or the terminal directly: progress goes out
through a callback the CLI supplies.
"""
