"""Reporters: render plans, drift, cost and apply results as text, JSON or markdown.

They take plain values from the engine and return strings; they never print or do I/O.
"""
