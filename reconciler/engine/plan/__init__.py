"""Planning: what should change and why, computed without changing anything.

Normalising live and desired models, field diffs, the three-way drift comparison that gives
each change its cause, cost, secrets resolution, saved plans and targets, and the files that
import and promote write. The bottom room: it imports no other room of the engine.
"""
