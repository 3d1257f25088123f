"""The shape of the code base: one-way imports, pinned public names, help text for every command."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from .conftest import ROOT

# package -> packages it must never import
FORBIDDEN = {"classifiers": {"moderation", "api"}, "moderation": {"api"}}


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


def test_public_names_are_pinned():
    import classifiers
    import moderation

    assert sorted(moderation.__all__) == sorted(
        [
            "CleanOptions",
            "CleanReport",
            "CleanStats",
            "ConfigurationError",
            "Document",
            "FoundLink",
            "InputError",
            "Link",
            "ListHit",
            "ListStore",
            "ModerationError",
            "NormalizedText",
            "ParsedUrl",
            "ResumeError",
            "SafeBrowsingProvider",
            "ScanResult",
            "Scanner",
            "Segment",
            "Settings",
            "Span",
            "UrlChecker",
            "UrlError",
            "UrlReport",
            "UrlhausProvider",
            "__version__",
            "check_url",
            "clean_files",
            "cut_spans",
            "find_links",
            "json_dumps",
            "normalize",
            "parse_url",
            "segment",
        ]
    )
    assert sorted(classifiers.__all__) == sorted(
        [
            "CONTEXT_FEATURES",
            "LANGUAGES",
            "TEXT_FEATURES",
            "ArtifactError",
            "ClassifierError",
            "ContextModel",
            "ModelBundle",
            "SegmentModel",
            "SegmentScores",
            "TextBatch",
            "char_matrix",
            "context_features",
            "default_model_dir",
            "featurize_texts",
            "URL_FEATURES",
            "UrlModel",
            "UrlParts",
            "load_bundle",
            "load_url_model",
            "model_version",
            "save_url_model",
            "url_features",
            "save_bundle",
            "write_manifest",
        ]
    )
    for name in classifiers.__all__:
        assert getattr(classifiers, name) is not None
    for name in moderation.__all__:  # loaded lazily: a wrong entry in _LAZY shows up only here
        assert getattr(moderation, name) is not None


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
    """``UrlChecker`` is the scrapers' per-link call: its cold start (bar < 1 s) must not pay for scipy or
    the text models."""
    code = (
        "import sys; from moderation import UrlChecker; UrlChecker.default().check('https://example.com/x');"
        "print(sorted(m for m in ('scipy', 'sklearn', 'moderation._scanner') if m in sys.modules))"
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
