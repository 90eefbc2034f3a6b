"""Handlers of the /sandbox control API, one module per tag (see mock/resolver.py)."""
