"""The layer check: which of our apps a module imports, and whether it may.

An app may import only the apps below it in ``core.registry.LAYERS``; core imports none.
Read from the source with ``ast`` (imports at any depth, relative ones resolved, and dotted
strings such as ``"chuangcheng.cases.escalation.escalate_due"`` given to ``import_string`` or
``mock.patch``), and from the templates (``{% include %}``/``{% extends %}`` of another app's
template, ``{% load %}`` of another app's tag library). The project-level modules
(``chuangcheng/*.py``, ``chuangcheng/tests/``) are the top: they are not checked, and no app may
import them, except that an app's tests may use the shared fixtures and the settings module
(``TESTS_MAY_USE``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "chuangcheng"
DOTTED = re.compile(rf"{PACKAGE}(\.\w+)+")
# Project-level modules an app's tests may import: the shared fixtures (the ``world`` county,
# its password) and the settings module whose env parsers core's tests check.
TESTS_MAY_USE = frozenset({"conftest", "settings"})
TEMPLATE_TAG = re.compile(r"""{%\s*(include|extends)\s+["']([^"']+)["']|{%\s*load\s+([\w\s.]+?)\s*%}""")


@dataclass(frozen=True)
class Crossing:
    """One reference from ``source`` to an app it may not use."""

    path: str
    line: int
    source: str
    target: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} uses {self.target}: {self.text}"


def app_dirs(root: Path) -> list[str]:
    """The apps of the package: its folders with an ``apps.py``."""
    return sorted(p.parent.name for p in (root / PACKAGE).glob("*/apps.py"))


def may_use(layers: Sequence[str], source: str, target: str) -> bool:
    if target == source:
        return True
    if target not in layers:  # a project-level module (urls, api, settings, conftest, tests)
        return False
    return layers.index(target) < layers.index(source)


def _target_app(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if parts[0] == PACKAGE and len(parts) > 1 else None


def _module_name(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    package = package if is_package else package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are bare statements (docstrings): prose, not references."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _names_a_module(node: ast.Constant, prose: set[int]) -> bool:
    return isinstance(node.value, str) and id(node) not in prose and DOTTED.fullmatch(node.value) is not None


def references(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str, str]]:
    """(line, dotted name, how it is written) of every module a source file names.

    Dotted strings are written quoted (``'chuangcheng.cases.escalation'``), imports as imports.
    """
    tree = ast.parse(source)
    prose = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package)
            for alias in node.names:
                written = f"from {'.' * node.level}{node.module or ''} import {alias.name}"
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}", written
        elif isinstance(node, ast.Constant) and _names_a_module(node, prose):
            yield node.lineno, str(node.value), repr(node.value)


def _allowed(layers: Sequence[str], apps: Sequence[str], app: str, target: str, *, quoted: bool, test: bool) -> bool:
    if target not in apps:
        # A quoted name outside the apps is a logger or the like ("chuangcheng.csp"), not a module.
        return quoted or (test and target in TESTS_MAY_USE)
    return may_use(layers, app, target)


def python_crossings(root: Path, layers: Sequence[str]) -> Iterator[Crossing]:
    apps = app_dirs(root)
    for app in apps:
        for path in sorted((root / PACKAGE / app).rglob("*.py")):
            module, is_package = _module_name(root, path)
            test = "tests" in path.relative_to(root / PACKAGE / app).parts
            for line, dotted, written in references(path.read_text(encoding="utf-8"), module, is_package):
                target = _target_app(dotted)
                quoted = written.startswith(("'", '"'))
                if target is not None and not _allowed(layers, apps, app, target, quoted=quoted, test=test):
                    yield Crossing(str(path.relative_to(root)), line, app, target, written)


def tag_libraries(root: Path) -> dict[str, str]:
    """Template tag library name → the app that defines it."""
    return {p.stem: p.parent.parent.name for p in (root / PACKAGE).glob("*/templatetags/*.py") if p.stem != "__init__"}


def template_crossings(root: Path, layers: Sequence[str]) -> Iterator[Crossing]:
    libraries = tag_libraries(root)
    for app in app_dirs(root):
        for path in sorted((root / PACKAGE / app / "templates").rglob("*.html")):
            text = path.read_text(encoding="utf-8")
            for match in TEMPLATE_TAG.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                if match.group(2):
                    targets = [match.group(2).split("/")[0]] if "/" in match.group(2) else []
                else:
                    targets = [libraries.get(name, "") for name in match.group(3).split()]
                for target in targets:
                    if target in layers and not may_use(layers, app, target):
                        yield Crossing(str(path.relative_to(root)), line, app, target, match.group(0))
