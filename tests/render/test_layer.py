"""hub/render sits below the domain: insert sheets (domain) and every page draw with it, so it
must never import domain, models, realtime or UI code back."""

from __future__ import annotations

import ast
from pathlib import Path

import hub.render

ALLOWED = ("hub.config", "hub.render")


def hub_imports(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add("hub.render")  # a relative import stays inside the package
    return {name for name in names if name == "hub" or name.startswith("hub.")}


def test_the_renderer_imports_nothing_above_it():
    modules = sorted(Path(hub.render.__file__).parent.glob("*.py"))
    assert len(modules) >= 5
    reaching_up = {
        module.name: sorted(n for n in hub_imports(module) if not n.startswith(ALLOWED)) for module in modules
    }
    assert {name: up for name, up in reaching_up.items() if up} == {}
