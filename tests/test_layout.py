"""The shape of the code base: one-way imports, pinned public names, help text for every command."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from .conftest import ROOT

# package -> packages it must never import
FORBIDDEN = {"classifiers": {"moderation", "api"}, "moderation": {"api"}}

# Inside moderation: a layer -> the layers it may import. "base" is the top-level private modules
# (errors, settings, JSON, atomic files, process watch); "facade" the public entry points
# (``moderation/__init__.py``, ``moderation/dask.py``, the newsroom hook ``hooks.py`` and the
# ``integrations`` for Scrapy and datatrove). ``text`` holds ``text/html/`` (pages go through the text
# engine; ``Scanner.scan_html`` hands them to it). Nothing imports ``cli`` or ``bench``.
LAYERS = {
    "base": {"base"},
    "urls": {"base", "urls"},
    "text": {"base", "urls", "text"},
    "clean": {"base", "urls", "text", "clean"},
    "train": {"base", "urls", "text", "train"},
    "facade": {"base", "urls", "text", "clean", "facade"},
    "cli": {"base", "urls", "text", "clean", "train", "cli", "facade"},
    "bench": {"base", "urls", "text", "clean", "train", "cli", "bench", "facade"},
}


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        hit = _imports(path) & FORBIDDEN[package]
        if hit:
            bad.append(f"{path.relative_to(ROOT)} imports {sorted(hit)}")
    assert not bad, "classifiers <- moderation <- api must stay one-way:\n" + "\n".join(bad)


SUBPACKAGES = {"urls", "text", "clean", "train", "cli", "bench"}
FACADE = {"__init__", "dask", "hooks", "integrations"}


def _layer(parts: tuple[str, ...]) -> str:
    """The layer of a module given as its dotted path below ``moderation`` (``("text", "scanner")``)."""
    if parts[0] in SUBPACKAGES:
        return parts[0]
    return "facade" if parts[0] in FACADE else "base"


def _moderation_imports(source: str, package: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The moderation modules ``source`` imports, as dotted paths below ``moderation``; ``package`` is
    the source's own package below ``moderation`` (``()`` for the top level), for relative imports."""
    out: set[tuple[str, ...]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = tuple(node.module.split(".")) if node.module else ()
            if node.level:
                target = (*package[: len(package) - node.level + 1], *module)
            elif module[:1] == ("moderation",):
                target = module[1:] or ("__init__",)
            else:
                continue
            # ``from . import x`` / ``from .. import _errors``: each name is a module
            out.update({(*target, a.name) for a in node.names} if not target else {target})
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = tuple(alias.name.split("."))
                if parts[0] == "moderation":
                    out.add(parts[1:] or ("__init__",))
    return out


def test_moderation_layers_import_downwards_only():
    """urls <- text <- clean/train <- cli <- bench, everything on the base modules (ARCHITECTURE.md)."""
    bad = []
    for path in sorted((ROOT / "moderation").rglob("*.py")):
        parts = path.relative_to(ROOT / "moderation").with_suffix("").parts
        own = _layer(parts)
        for target in sorted(_moderation_imports(path.read_text(encoding="utf-8"), parts[:-1])):
            if _layer(target) not in LAYERS[own]:
                bad.append(f"{path.relative_to(ROOT)} ({own}) imports {'.'.join(target)} ({_layer(target)})")
    assert not bad, "a layer imports one above it:\n" + "\n".join(bad)


def test_the_layer_check_resolves_relative_imports():
    """The check must see an upward import written relatively, or it could never fail."""
    source = "from ..text.scanner import Scanner\nfrom .. import _errors\nfrom .parse import x\n"
    found = _moderation_imports(source, ("urls",))
    assert found == {("text", "scanner"), ("_errors",), ("urls", "parse")}
    assert _layer(("text", "scanner")) not in LAYERS["urls"]
    assert _moderation_imports("from moderation import Scanner\n", ("bench",)) == {("__init__",)}


def _readme_public_names() -> set[str]:
    """The names in the README's "Public API" table (first column, in backticks)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Public API", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            cell = line.split("|")[1]
            names.update(n.strip().strip("`") for n in cell.split(",") if n.strip())
    return names


def test_public_names_are_the_documented_ones():
    """``moderation.__all__`` is exactly what the README documents, and every name resolves."""
    import classifiers
    import moderation

    assert sorted(moderation.__all__) == sorted(_readme_public_names())
    for name in moderation.__all__:
        assert getattr(moderation, name) is not None
    for name in classifiers.__all__:
        assert getattr(classifiers, name) is not None


def test_exception_trees():
    import classifiers
    import moderation

    assert issubclass(moderation.InputError, moderation.ModerationError)
    assert issubclass(moderation.ConfigurationError, moderation.ModerationError)
    assert issubclass(classifiers.ArtifactError, classifiers.ClassifierError)
    assert issubclass(moderation.UrlError, moderation.InputError)
    assert issubclass(moderation.ResumeError, moderation.ModerationError)


def test_importing_is_light():
    """Importing the packages and loading the models must not pull in scikit-learn (1+ s at every start)."""
    code = (
        "import sys, moderation, classifiers; from moderation import Scanner; Scanner.default();"
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_url_check_does_not_load_the_text_models_stack():
    """``UrlChecker`` is the scrapers' per-link call: its cold start (bar < 1 s) must not pay for scipy,
    the text models, the text engine and the cleaner (``moderation`` imports its names lazily), or
    tldextract and the ``requests`` stack it imports (a plain host is split on the suffix snapshot
    read from its file)."""
    code = (
        "import sys; from moderation import UrlChecker; UrlChecker.default().check('https://example.com/x');"
        "print(sorted(m for m in ('scipy', 'sklearn', 'classifiers._hashing', 'classifiers._segment_model',"
        " 'classifiers._context_model', 'tldextract', 'requests', 'moderation.text.scanner',"
        " 'moderation.clean.cleaner') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_has_help():
    from moderation.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert set(helps) == set(sub.choices)
    for name, sp in sub.choices.items():
        assert helps[name], f"command {name} has no help"
        assert sp.description, f"command {name} has no description"
        for action in sp._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest} has no help"


def test_every_reason_code_is_in_the_readme():
    from moderation._reasons import CODES

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reasons", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("`")[1] for line in section.splitlines() if line.startswith("| `")}
    assert documented == set(CODES)
