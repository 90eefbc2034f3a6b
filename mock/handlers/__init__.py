"""Handlers of the public API, one module per tag (see mock/resolver.py)."""
