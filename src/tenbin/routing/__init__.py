"""Routing: which model serves a request, its fallbacks, and why."""

from tenbin.routing.decision import Decision
from tenbin.routing.router import Router

__all__ = ["Decision", "Router"]
