"""Collectors: each reads one source and returns a Snapshot of normalised resources.

One pattern for every source (see base.py): a new source is one module plus its tests.
"""
