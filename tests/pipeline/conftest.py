"""Fixtures for tests/pipeline (helpers live in _support.py)."""

from __future__ import annotations

from ._support import workspace

__all__ = ["workspace"]
