"""Saving and loading the shipped models, with a sidecar that makes them checkable and reproducible.

Model files are joblib pickles, and unpickling runs code: ``load_bundle`` therefore checks each file's
sha256 against the sidecar (``manifest.json``) *before* unpickling it, and refuses files built with another
scikit-learn version. The sidecar also records the training-data fingerprint, library versions,
decision thresholds and benchmark scores (see ``make model``).
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._context_model import ContextModel
from ._errors import ArtifactError
from ._segment_model import SegmentModel

MANIFEST = "manifest.json"
SEGMENT_FILE = "segment.joblib"
CONTEXT_FILE = "context.joblib"
_FIX = "rebuild them with `make model` (needs ../shared/data) or reinstall the package"


def default_model_dir() -> Path:
    """Where the shipped models live (inside the installed ``classifiers`` package)."""
    return Path(__file__).resolve().parent / "models"


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose behaviour the model files depend on."""
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class ModelBundle:
    """The loaded models and their sidecar.

    Attributes:
        segment: the segment cascade.
        context: the article-context model.
        thresholds: decision thresholds (``span``: flag a segment; ``document``: let an article through
            the gate; ``extend``: join a neighbour to a flagged span).
        manifest: the whole sidecar, as saved.
    """

    segment: SegmentModel
    context: ContextModel
    thresholds: dict[str, float]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The model version tag recorded in the sidecar."""
        return str(self.manifest.get("model_version", "unversioned"))


def save_bundle(bundle: ModelBundle, directory: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the model files and the sidecar; returns the sidecar."""
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, obj in ((SEGMENT_FILE, bundle.segment), (CONTEXT_FILE, bundle.context)):
        path = directory / name
        joblib.dump(obj, path, compress=3)
        files[name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    digest = hashlib.sha256("".join(f["sha256"] for f in files.values()).encode()).hexdigest()[:12]
    manifest = {
        **bundle.manifest,
        **(extra or {}),
        "model_version": f"seg-ctx-{digest}",
        "files": files,
        "libraries": library_versions(),
        "thresholds": bundle.thresholds,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    bundle.manifest = manifest
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    """The sidecar of a model directory, or an ``ArtifactError`` naming the fix."""
    path = directory / MANIFEST
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ArtifactError(f"no model sidecar at {path}; {_FIX}") from None
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"unreadable model sidecar {path} ({exc}); {_FIX}") from None


def check_libraries(manifest: dict[str, Any]) -> None:
    """Refuse models built with another scikit-learn (pickles are not portable across versions)."""
    built = manifest.get("libraries", {})
    have = library_versions()
    if built.get("scikit-learn") != have["scikit-learn"]:
        raise ArtifactError(
            f"the models were built with scikit-learn {built.get('scikit-learn')} but "
            f"{have['scikit-learn']} is installed; install scikit-learn=={built.get('scikit-learn')} or {_FIX}"
        )
    if str(built.get("numpy", "")).split(".")[0] != have["numpy"].split(".")[0]:
        raise ArtifactError(f"the models were built with numpy {built.get('numpy')}, not {have['numpy']}; {_FIX}")


def load_bundle(directory: Path | None = None) -> ModelBundle:
    """Load and verify the models in ``directory`` (default: the shipped ones)."""
    import joblib

    directory = directory or default_model_dir()
    manifest = read_manifest(directory)
    check_libraries(manifest)
    objects: dict[str, Any] = {}
    for name, expected_type in ((SEGMENT_FILE, SegmentModel), (CONTEXT_FILE, ContextModel)):
        path = directory / name
        info = manifest.get("files", {}).get(name)
        if not info:
            raise ArtifactError(f"the sidecar in {directory} does not list {name}; {_FIX}")
        if not path.is_file():
            raise ArtifactError(f"model file {path} is missing; {_FIX}")
        actual = sha256_file(path)
        if actual != info.get("sha256"):
            raise ArtifactError(
                f"model file {path} does not match its sidecar (sha256 {actual[:12]}..., expected "
                f"{str(info.get('sha256'))[:12]}...); refusing to unpickle it; {_FIX}"
            )
        obj = joblib.load(path)
        if not isinstance(obj, expected_type):
            raise ArtifactError(f"{path} holds a {type(obj).__name__}, not a {expected_type.__name__}; {_FIX}")
        objects[name] = obj
    return ModelBundle(
        segment=objects[SEGMENT_FILE],
        context=objects[CONTEXT_FILE],
        thresholds={k: float(v) for k, v in manifest.get("thresholds", {}).items()},
        manifest=manifest,
    )
