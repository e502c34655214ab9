"""Policies: discovery, metadata, builtin checks and the `policy test` runner."""
