"""Plain data shared by every layer: exit codes, errors, manifests, plans.

Nothing here does I/O or imports another part of the package, so every layer above may use it.
"""
