"""Cross-cutting behaviour, one small ASGI middleware each (positions are set in mock/app.py)."""
