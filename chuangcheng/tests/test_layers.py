"""The layers hold: an app imports only the apps below it, core none (``docs/architecture.md``).

The checker (``layers.py``) is tested on a small tree of its own first, so that a green run of
the real check means "no crossing", not "nothing was looked at".
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from chuangcheng.core.registry import LAYERS

from .layers import PACKAGE, app_dirs, python_crossings, template_crossings

ROOT = Path(__file__).resolve().parents[2]


def test_every_app_has_its_place_in_the_layers_and_settings_lists_them_in_order():
    ours = [name.removeprefix(f"{PACKAGE}.") for name in settings.INSTALLED_APPS if name.startswith(f"{PACKAGE}.")]

    assert set(app_dirs(ROOT)) <= set(LAYERS), "a new app: add it to core.registry.LAYERS and docs/architecture.md"
    assert ours == list(LAYERS)


def test_the_architecture_doc_draws_the_same_order():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

    assert " → ".join(LAYERS) in doc


def test_no_module_imports_an_app_above_it():
    crossings = list(python_crossings(ROOT, LAYERS))

    assert not crossings, "imports across the layers the wrong way:\n" + "\n".join(map(str, crossings))


def test_no_template_includes_extends_or_loads_from_an_app_above_it():
    crossings = list(template_crossings(ROOT, LAYERS))

    assert not crossings, "templates across the layers the wrong way:\n" + "\n".join(map(str, crossings))


# --- the checker itself, on a tree of its own -----------------------------------------------

TOY_LAYERS = ("core", "org", "places")


def write(root: Path, relative: str, text: str) -> None:
    path = root / PACKAGE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def toy_tree(root: Path) -> Path:
    for app in TOY_LAYERS:
        write(root, f"{app}/__init__.py", "")
        write(root, f"{app}/apps.py", f'NAME = "{PACKAGE}.{app}"\n')
    write(root, "urls.py", "from chuangcheng.places import views\n")  # project level: not checked
    write(root, "places/views.py", "from chuangcheng.org.models import Unit\nfrom ..core import web\n")
    write(root, "org/templatetags/org_tags.py", "")
    write(root, "places/templatetags/places_tags.py", "")
    write(root, "places/templates/places/list.html", '{% load i18n org_tags %}{% include "org/_person.html" %}')
    return root


def crossings_of(root: Path) -> list[str]:
    found = [*python_crossings(root, TOY_LAYERS), *template_crossings(root, TOY_LAYERS)]
    return [str(c) for c in found]


def test_the_checker_passes_a_tree_that_keeps_the_layers(tmp_path):
    assert crossings_of(toy_tree(tmp_path)) == []


def test_the_checker_names_file_line_and_import_of_a_planted_crossing(tmp_path):
    root = toy_tree(tmp_path)
    source = '"""Mentions chuangcheng.org.access in prose only."""\n\nfrom chuangcheng.org import access\n'
    write(root, "core/services.py", source)

    assert crossings_of(root) == [
        f"{PACKAGE}/core/services.py:3: core uses org: from chuangcheng.org import access",
    ]


def test_the_checker_finds_imports_inside_functions_relative_imports_and_dotted_strings(tmp_path):
    root = toy_tree(tmp_path)
    source = 'def run():\n    import chuangcheng.places.demo\n\n\nJOB = "chuangcheng.places.demo.build"\n'
    write(root, "core/jobs.py", source)
    write(root, "org/demo.py", "from ..places import demo\n")

    assert crossings_of(root) == [
        f"{PACKAGE}/core/jobs.py:2: core uses places: import chuangcheng.places.demo",
        f"{PACKAGE}/core/jobs.py:5: core uses places: 'chuangcheng.places.demo.build'",
        f"{PACKAGE}/org/demo.py:1: org uses places: from ..places import demo",
    ]


def test_an_apps_tests_obey_the_rule_but_may_use_the_shared_fixtures(tmp_path):
    root = toy_tree(tmp_path)
    source = "from chuangcheng.conftest import World\nfrom chuangcheng.places import models\n"
    write(root, "org/tests/test_x.py", source)
    write(root, "org/views.py", "from chuangcheng import urls\n")

    assert crossings_of(root) == [
        f"{PACKAGE}/org/tests/test_x.py:2: org uses places: from chuangcheng.places import models",
        f"{PACKAGE}/org/views.py:1: org uses urls: from chuangcheng import urls",
    ]


def test_the_checker_reads_templates_includes_extends_and_tag_libraries(tmp_path):
    root = toy_tree(tmp_path)
    write(root, "org/templates/org/page.html", '{% extends "places/base.html" %}\n{% load places_tags %}')

    assert crossings_of(root) == [
        f'{PACKAGE}/org/templates/org/page.html:1: org uses places: {{% extends "places/base.html"',
        f"{PACKAGE}/org/templates/org/page.html:2: org uses places: {{% load places_tags %}}",
    ]
