"""reconcile: a GitOps reconciler for Genesys Cloud LLM Gateway model endpoints."""

__version__ = "0.1.0"
