"""The project's routes as the URLconf has them, for sweeps that must cover every one of a kind."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route text, its namespaced name and its view."""

    route: str
    name: str
    view: Any

    def reads_uploads(self) -> bool:
        """Whether the view's own code reads ``request.FILES`` (page views; the API declares File params)."""
        try:
            source = inspect.getsource(inspect.unwrap(self.view))
        except (OSError, TypeError):
            return False
        return "request.FILES" in source


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield Route(prefix + str(pattern.pattern), name, pattern.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))
