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
        """Whether the view, or a function of its module it calls, reads ``request.FILES``.

        For page views; API operations declare their File parameters in the schema.
        """
        view = inspect.unwrap(self.view)
        module = inspect.getmodule(view)
        code = getattr(view, "__code__", None)
        called = [getattr(module, n, None) for n in (code.co_names if code else ())]
        helpers = [f for f in called if inspect.isfunction(f) and inspect.getmodule(f) is module]
        return any("request.FILES" in _source(f) for f in (view, *helpers))


def _source(function: Any) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


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
