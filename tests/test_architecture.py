"""The layer rules of README's "Project layout", checked on the source with ``ast`` (nothing is imported).

Layers, bottom to top; a module may import only from its own layer or from layers below:

0. ``geo`` (data only), ``data_pipeline.settings`` and ``data_pipeline.files``
1. ``data_pipeline.reference``
2. ``data_pipeline.ingest`` and ``data_pipeline.store`` (these two never import each other)
3. ``data_pipeline.analysis``
4. ``data_pipeline.presentation``
5. top: ``data_pipeline.cli``, ``data_pipeline.__main__``, ``ui``, ``web_security``, ``app_pages``,
   ``dashboard``, ``app`` (every ``.py`` file at the root is top)

Also: only the top imports streamlit / streamlit_folium (and ``data_pipeline.cli`` does not); only
``data_pipeline.presentation`` imports plotly, folium, branca, matplotlib, reportlab, babel; no function
in layers 0-3 takes a ``lang`` (or ``language``) parameter; no import cycle between project modules
(imports inside functions count); no module over 400 lines. And tests use public interfaces: no test
imports or patches a private (``_x``) name of a project module.

Every import is seen: at module level and inside functions, relative ones resolved.

``ALLOWED`` lists today's violations, each with the helper tag who removes it. It only shrinks: the test
fails on a violation not listed AND on a listed one that no longer occurs (delete its line in the commit
that fixes it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("geo", "data_pipeline", "ui", "app_pages", "deploy", "*.py")  # "*.py": dashboard, app, web_security, ... (top)
MAX_LINES = 400
TOP = 5
LAYER_NAMES = {
    0: "geo / data_pipeline.settings / data_pipeline.files",
    1: "data_pipeline.reference",
    2: "data_pipeline.ingest / data_pipeline.store",
    3: "data_pipeline.analysis",
    4: "data_pipeline.presentation",
    5: "top (cli, ui, app_pages, dashboard, app, web_security)",
}
STREAMLIT_LIBS = ("streamlit", "streamlit_folium")
PRESENTATION_LIBS = ("plotly", "folium", "branca", "matplotlib", "reportlab", "babel")
LANG_PARAMS = ("lang", "language")

# Today's violations -> the helper who removes them. Only shrinks; must be empty at the end of issue 16.
ALLOWED: dict[str, str] = {
    # "path: rule detail": "helper tag" -- empty: every rule holds on the whole tree
}


# --------------------------------------------------------------------------- the model of the source


@dataclass(frozen=True)
class Module:
    name: str  # dotted: data_pipeline.store, geo.gazetteer, dashboard
    path: str  # relative to the root, with forward slashes
    source: str

    @property
    def is_package(self) -> bool:
        return self.path.endswith("__init__.py")


@dataclass(frozen=True)
class Import:
    target: str  # dotted module name as resolved (project module, or a library's top name and rest)
    line: int


@dataclass(frozen=True)
class Violation:
    key: str  # stable: "<path>: <rule detail>", the ALLOWED key
    message: str  # file:line, the rule and the fix


def module_name(path: str) -> str:
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules(root: Path = ROOT, scanned: Iterable[str] = SCANNED) -> dict[str, Module]:
    """Every ``.py`` under the scanned folders and files, by dotted name."""
    files: list[Path] = []
    for entry in scanned:
        path = root / entry
        if "*" in entry:
            files.extend(sorted(root.glob(entry)))
        elif path.is_dir():
            files.extend(sorted(path.rglob("*.py")))
    modules = {}
    for file in files:
        rel = file.relative_to(root).as_posix()
        modules[module_name(rel)] = Module(module_name(rel), rel, file.read_text(encoding="utf-8"))
    return modules


def imports(module: Module, known: Iterable[str]) -> list[Import]:
    """Every import of ``module``, module level and inside functions, relative ones resolved.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg``."""
    known = set(known)
    found = []
    for node in ast.walk(ast.parse(module.source, module.path)):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(sub if sub in known else base, node.lineno))
    return found


def layer(name: str) -> int:
    """The layer of a project module (see the module docstring)."""
    if name in ("data_pipeline", "data_pipeline.settings", "data_pipeline.files") or _within(name, "geo"):
        return 0
    for prefix, number in (
        ("data_pipeline.reference", 1),
        ("data_pipeline.ingest", 2),
        ("data_pipeline.store", 2),
        ("data_pipeline.analysis", 3),
        ("data_pipeline.presentation", 4),
    ):
        if name == prefix or name.startswith(prefix + "."):
            return number
    return TOP


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _top_name(name: str) -> str:
    return name.split(".")[0]


# --------------------------------------------------------------------------- the checks


def import_violations(modules: dict[str, Module]) -> Iterator[Violation]:
    """Imports up the layers, between ingest and store, and of libraries outside their layer."""
    for module in modules.values():
        here = layer(module.name)
        for imp in imports(module, modules):
            where = f"{module.path}:{imp.line}"
            if imp.target in modules:
                there = layer(imp.target)
                if there > here:
                    yield Violation(
                        f"{module.path}: imports {imp.target}",
                        f"{where}: imports {imp.target} (layer {there}, {LAYER_NAMES[there]}) from layer {here} "
                        f"({LAYER_NAMES[here]}). Rule: imports point down the layers only. Fix: move what is "
                        f"needed down to layer {here} or below, or return codes/facts and do the layer-{there} "
                        f"work in the caller above.",
                    )
                for one, other in (("ingest", "store"), ("store", "ingest")):
                    if _within(module.name, f"data_pipeline.{one}") and _within(imp.target, f"data_pipeline.{other}"):
                        yield Violation(
                            f"{module.path}: imports {imp.target}",
                            f"{where}: data_pipeline.{one} imports {imp.target}. Rule: ingest and store do not "
                            f"import each other. Fix: move the shared piece to data_pipeline.reference, or let "
                            f"the analysis layer / the caller combine them.",
                        )
                continue
            lib = _top_name(imp.target)
            if lib in STREAMLIT_LIBS and (here < TOP or _within(module.name, "data_pipeline.cli")):
                yield Violation(
                    f"{module.path}: imports {lib}",
                    f"{where}: imports {imp.target}. Rule: only the top layer (ui, app_pages, dashboard, app, "
                    f"web_security; not data_pipeline.cli) imports {lib}. Fix: take plain arguments and return "
                    f"plain values; do the Streamlit part in ui or the page.",
                )
            if lib in PRESENTATION_LIBS and not _within(module.name, "data_pipeline.presentation"):
                yield Violation(
                    f"{module.path}: imports {lib}",
                    f"{where}: imports {imp.target}. Rule: only data_pipeline.presentation imports "
                    f"{', '.join(PRESENTATION_LIBS)}. Fix: move this code into data_pipeline.presentation "
                    f"and call it from there.",
                )


def lang_parameter_violations(modules: dict[str, Module]) -> Iterator[Violation]:
    """Functions in layers 0-3 that take a ``lang`` / ``language`` parameter (one entry per file)."""
    for module in modules.values():
        if layer(module.name) > 3:
            continue
        lines = []
        for node in ast.walk(ast.parse(module.source, module.path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                args = node.args
                every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                for arg in every:
                    if arg is not None and arg.arg in LANG_PARAMS:
                        name = getattr(node, "name", "<lambda>")
                        lines.append(f"{module.path}:{node.lineno} {name}({arg.arg})")
        if lines:
            yield Violation(
                f"{module.path}: lang parameter",
                f"{'; '.join(lines)}. Rule: nothing in layers 0-3 takes a language; it returns codes, ids "
                f"and structured facts. Fix: return those and turn them into words in "
                f"data_pipeline.presentation (or ui) where they are shown.",
            )


def import_graph(modules: dict[str, Module]) -> dict[str, dict[str, int]]:
    """Project module -> {imported project module: first line}."""
    graph: dict[str, dict[str, int]] = {}
    for module in modules.values():
        edges = graph.setdefault(module.name, {})
        for imp in imports(module, modules):
            if imp.target in modules and imp.target != module.name:
                edges.setdefault(imp.target, imp.line)
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components with more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def a_cycle(graph: dict[str, dict[str, int]], component: list[str], start: str) -> list[str]:
    """One shortest cycle through ``start`` (breadth first), ending where it starts."""
    members = set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node]):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component  # not reached for a real component


def cycle_violations(modules: dict[str, Module]) -> Iterator[Violation]:
    """Every module in an import cycle (one entry per module, so the list shrinks as modules leave it)."""
    graph = import_graph(modules)
    for component in strongly_connected(graph):
        for name in component:
            cycle = a_cycle(graph, component, name)
            steps = " -> ".join(
                f"{step} ({modules[step].path}:{graph[step][after]})" for step, after in zip(cycle, cycle[1:])
            )
            yield Violation(
                f"{modules[name].path}: in import cycle",
                f"{modules[name].path} is in an import cycle of {len(component)} modules "
                f"({', '.join(component)}): {steps} -> {cycle[-1]}. Rule: no import cycles, "
                f"not even inside functions. Fix: move the shared piece to the lower module, or pass it in "
                f"as an argument.",
            )


def size_violations(modules: dict[str, Module], limit: int = MAX_LINES) -> Iterator[Violation]:
    """Modules over ``limit`` lines."""
    for module in modules.values():
        count = len(module.source.splitlines())
        if count > limit:
            yield Violation(
                f"{module.path}: over {limit} lines",
                f"{module.path}:1 has {count} lines. Rule: no module over {limit} lines. Fix: split it by job "
                f"into a package of modules, each under {limit}.",
            )


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_use_violations(modules: dict[str, Module], tests: dict[str, Module]) -> Iterator[Violation]:
    """Tests that reach into a project module's private names: ``from m import _x``, ``m._x`` and
    ``monkeypatch.setattr(m, "_x", …)`` (attributes of objects cannot be told apart without running)."""
    for test in tests.values():
        tree = ast.parse(test.source, test.path)
        aliases: dict[str, str] = {}  # local name -> project module
        found: list[tuple[int, str, str]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases.update({alias.asname: alias.name for alias in node.names
                                if alias.asname and alias.name in modules})
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    elif node.module in modules and _private(alias.name):
                        found.append((node.lineno, node.module, alias.name))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases):
                found.append((node.lineno, aliases[node.value.id], node.attr))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr"
                  and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in aliases
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
                  and _private(node.args[1].value)):
                found.append((node.lineno, aliases[node.args[0].id], node.args[1].value))
        for line, module, name in sorted(found):
            yield Violation(
                f"{test.path}: uses private {module}.{name}",
                f"{test.path}:{line}: uses {module}.{name}, a private name. Rule: tests use public interfaces, so "
                f"a module can change inside without its tests. Fix: test through the public function that uses "
                f"it, or make it public if it belongs to the module's interface.",
            )


def violations(modules: dict[str, Module], tests: dict[str, Module] | None = None) -> dict[str, list[str]]:
    """Every violation: ALLOWED-style key -> its messages (with ``tests``, also their use of private names)."""
    found: dict[str, list[str]] = {}
    checks = [import_violations, lang_parameter_violations, cycle_violations, size_violations]
    if tests is not None:
        checks.append(lambda modules: private_use_violations(modules, tests))
    for check in checks:
        for violation in check(modules):
            messages = found.setdefault(violation.key, [])
            if violation.message not in messages:  # `from m import a, b` is one finding, not two
                messages.append(violation.message)
    return found


# --------------------------------------------------------------------------- the tests on the tree


def scanned_tests(root: Path = ROOT) -> dict[str, Module]:
    """Every ``.py`` under tests/, by dotted name."""
    return project_modules(root, ("tests",))


def test_layer_rules_hold_except_for_the_allow_list():
    found = violations(project_modules(), scanned_tests())
    new = {key: messages for key, messages in found.items() if key not in ALLOWED}
    assert not new, "New layer-rule violations (fix them; do not add them to ALLOWED):\n" + "\n".join(
        message for messages in new.values() for message in messages
    )


def test_the_allow_list_only_shrinks():
    found = violations(project_modules(), scanned_tests())
    gone = sorted(key for key in ALLOWED if key not in found)
    assert not gone, (
        "These ALLOWED entries no longer occur; delete their lines from ALLOWED in tests/test_architecture.py:\n"
        + "\n".join(f"  {key!r}: {ALLOWED[key]!r}" for key in gone)
    )


def test_every_allowed_entry_has_an_owner():
    assert set(ALLOWED.values()) <= {"ingest", "store", "words", "ui", "guards"}


# --------------------------------------------------------------------------- the checks can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project_modules(tmp_path, SCANNED)


def test_a_planted_upward_import_is_found_also_inside_a_function_and_relative(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "geo/__init__.py": "",
            "geo/gazetteer.py": "def f():\n    from data_pipeline.analysis import aggregate\n",
            "data_pipeline/__init__.py": "",
            "data_pipeline/analysis/__init__.py": "",
            "data_pipeline/analysis/aggregate.py": "",
            "data_pipeline/reference/__init__.py": "",
            "data_pipeline/reference/registry.py": "from ..presentation import i18n\n",
            "data_pipeline/presentation/__init__.py": "",
            "data_pipeline/presentation/i18n.py": "",
            "data_pipeline/ingest/__init__.py": "from data_pipeline.store import Store\n",
            "data_pipeline/store/__init__.py": "Store = 1\n",
        },
    )
    found = violations(modules)
    assert "geo/gazetteer.py: imports data_pipeline.analysis.aggregate" in found
    assert "geo/gazetteer.py:2" in found["geo/gazetteer.py: imports data_pipeline.analysis.aggregate"][0]
    assert "data_pipeline/reference/registry.py: imports data_pipeline.presentation.i18n" in found
    assert "ingest and store do not import each other" in found["data_pipeline/ingest/__init__.py: imports data_pipeline.store"][0]
    assert "data_pipeline/analysis/aggregate.py" not in " ".join(found)


def test_planted_library_imports_are_found(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "data_pipeline/__init__.py": "",
            "data_pipeline/cli.py": "import streamlit as st\n",
            "data_pipeline/analysis/__init__.py": "",
            "data_pipeline/analysis/x.py": "def f():\n    import plotly.graph_objects as go\n",
            "data_pipeline/presentation/__init__.py": "",
            "data_pipeline/presentation/charts.py": "import plotly.graph_objects as go\nimport streamlit\n",
            "ui/__init__.py": "import streamlit as st\nfrom streamlit_folium import st_folium\nimport folium\n",
        },
    )
    assert set(violations(modules)) == {
        "data_pipeline/cli.py: imports streamlit",
        "data_pipeline/analysis/x.py: imports plotly",
        "data_pipeline/presentation/charts.py: imports streamlit",
        "ui/__init__.py: imports folium",
    }


def test_a_planted_lang_parameter_is_found_below_presentation_only(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "data_pipeline/__init__.py": "",
            "data_pipeline/analysis/__init__.py": "",
            "data_pipeline/analysis/compare.py": "class A:\n    def words(self, *, language='en'):\n        pass\n",
            "data_pipeline/presentation/__init__.py": "",
            "data_pipeline/presentation/i18n.py": "def tr(text, lang):\n    return text\n",
        },
    )
    found = violations(modules)
    assert list(found) == ["data_pipeline/analysis/compare.py: lang parameter"]
    assert "data_pipeline/analysis/compare.py:2 words(language)" in found["data_pipeline/analysis/compare.py: lang parameter"][0]


def test_a_planted_cycle_is_reported_with_its_path(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "geo/__init__.py": "",
            "geo/a.py": "from geo import b\n",
            "geo/b.py": "def f():\n    from . import c\n",
            "geo/c.py": "import geo.a\n",
            "geo/d.py": "import geo.a\n",
        },
    )
    found = violations(modules)
    assert set(found) == {"geo/a.py: in import cycle", "geo/b.py: in import cycle", "geo/c.py: in import cycle"}
    assert "geo.a (geo/a.py:1) -> geo.b (geo/b.py:2) -> geo.c (geo/c.py:1) -> geo.a" in found["geo/a.py: in import cycle"][0]


def test_a_planted_long_module_is_found(tmp_path):
    modules = _tree(tmp_path, {"geo/__init__.py": "", "geo/long.py": "x = 1\n" * (MAX_LINES + 1), "geo/ok.py": "x = 1\n" * MAX_LINES})
    assert list(violations(modules)) == ["geo/long.py: over 400 lines"]


def test_a_planted_use_of_private_names_in_a_test_is_found(tmp_path):
    modules = _tree(tmp_path, {"data_pipeline/__init__.py": "", "data_pipeline/store/__init__.py": "_ROWS = 1\n"})
    test = Module("tests.test_x", "tests/test_x.py", (
        "from data_pipeline import store as store_module\n"
        "from data_pipeline.store import _ROWS, Store\n"
        "def test(monkeypatch, store):\n"
        "    monkeypatch.setattr(store_module, '_CHUNK', 2)\n"
        "    store._engine  # an object's attribute: not told apart\n"
        "    return store_module._helper()\n"))
    assert set(violations(modules, {test.name: test})) == {
        "tests/test_x.py: uses private data_pipeline.store._ROWS",
        "tests/test_x.py: uses private data_pipeline.store._CHUNK",
        "tests/test_x.py: uses private data_pipeline.store._helper",
    }
