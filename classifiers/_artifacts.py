"""Saving and loading the shipped models, with a sidecar that makes them checkable and reproducible.

The models are stored as plain numpy arrays in one ``.npz`` file, loaded with ``allow_pickle=False``: no
code runs when a model file is read, and scanning needs neither scikit-learn nor joblib. The sidecar
(``manifest.json``) records the file's sha256, the feature format, the library versions, the model
parameters, the decision thresholds, the training-data fingerprint and the validation and benchmark
scores. Loading verifies the sha256 *before* reading the arrays and refuses files built with another
feature format or numpy major version, with a message that says how to rebuild them.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import ArtifactError
from ._langid import LangId
from ._url_model import UrlModel

if TYPE_CHECKING:  # the text models pull in scipy; a URL check loads only its own model
    from ._boundary import BoundaryModel
    from ._context_model import ContextModel
    from ._segment_model import SegmentModel

MANIFEST = "manifest.json"
MODEL_FILE = "models.npz"
# Bump when the featurizer changes in a way that changes hash buckets or feature columns.
FEATURE_FORMAT = 1
_FIX = "rebuild them with `make model` (needs ../shared/data) or reinstall the package"


def default_model_dir() -> Path:
    """Where the shipped models live (inside the installed ``classifiers`` package)."""
    return Path(__file__).resolve().parent / "models"


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries involved in building the models (read without importing)."""
    out = {"python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "tldextract"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


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
        thresholds: decision thresholds (``span``: flag a segment; ``document``: the article gate;
            ``boundary``: the boundary tagger's bias in log-odds; ``edge``: the weight of its edge heads).
        manifest: the whole sidecar, as saved.
        boundary: the boundary tagger (word-precise span ends), or None in models built without one.
    """

    segment: SegmentModel
    context: ContextModel
    thresholds: dict[str, float]
    manifest: dict[str, Any] = field(default_factory=dict)
    boundary: BoundaryModel | None = None

    @property
    def version(self) -> str:
        """The model version tag recorded in the sidecar."""
        return str(self.manifest.get("model_version", "unversioned"))


def save_bundle(bundle: ModelBundle, directory: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the model file and the sidecar; returns the sidecar."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    arrays = {**bundle.segment.to_arrays(), **bundle.context.to_arrays()}
    if bundle.boundary is not None:
        arrays.update(bundle.boundary.to_arrays())
        for k in ("boundary.coef_", "boundary.edge_coef_"):
            if k in arrays:
                arrays[k] = arrays[k].astype(np.float16)
    # float16 halves the file; the scores move by less than 1e-3
    for k in ("segment.word_coef_a_", "segment.word_coef_b_", "segment.char_coef_b_"):
        arrays[k] = arrays[k].astype(np.float16)
    with path.open("wb") as f:
        np.savez_compressed(f, allow_pickle=False, **arrays)
    digest = sha256_file(path)
    manifest = {
        **{k: v for k, v in bundle.manifest.items() if k not in ("files", "libraries")},
        **(extra or {}),
        "model_version": f"seg-ctx-{digest[:12]}",
        "feature_format": FEATURE_FORMAT,
        "files": {MODEL_FILE: {"sha256": digest, "bytes": path.stat().st_size}},
        "libraries": library_versions(),
        "params": {
            "segment": bundle.segment.get_params(),
            "context": bundle.context.get_params(),
            **({"boundary": bundle.boundary.get_params()} if bundle.boundary is not None else {}),
        },
        "thresholds": bundle.thresholds,
    }
    write_manifest(directory, manifest)
    bundle.manifest = manifest
    return manifest


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """(Re)write the sidecar, e.g. to add benchmark scores after evaluation."""
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")


def read_manifest(directory: Path) -> dict[str, Any]:
    """The sidecar of a model directory, or an ``ArtifactError`` naming the fix."""
    path = directory / MANIFEST
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ArtifactError(f"no model sidecar at {path}; {_FIX}") from None
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"unreadable model sidecar {path} ({exc}); {_FIX}") from None


def check_compatible(manifest: dict[str, Any]) -> None:
    """Refuse models built for another feature format or numpy major version."""
    if manifest.get("feature_format") != FEATURE_FORMAT:
        raise ArtifactError(
            f"the models use feature format {manifest.get('feature_format')}, this code needs "
            f"{FEATURE_FORMAT}; {_FIX}"
        )
    built = str(manifest.get("libraries", {}).get("numpy", ""))
    have = library_versions()["numpy"]
    if built.split(".")[0] != have.split(".")[0]:
        raise ArtifactError(f"the models were built with numpy {built}, but {have} is installed; {_FIX}")


def _arrays(data: bytes, what: str) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` file's bytes. A file that matches its sidecar's sha256 can still be
    unreadable (truncated, or the sidecar rewritten to match): that is an ``ArtifactError`` naming the fix,
    whatever numpy, zipfile or zlib raise for it."""
    import io
    import zipfile
    import zlib

    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
        raise ArtifactError(f"{what} is damaged or truncated ({exc}); {_FIX}") from None


def model_version(directory: Path | None = None) -> str:
    """The version tag of the models in ``directory`` after checking their sidecar, without loading them.

    For a process that only coordinates workers: it fails early, naming the fix, where loading would.
    """
    directory = directory or default_model_dir()
    manifest = read_manifest(directory)
    check_compatible(manifest)
    if not (directory / MODEL_FILE).is_file():
        raise ArtifactError(f"no model file {directory / MODEL_FILE}; {_FIX}")
    return str(manifest.get("model_version", "unversioned"))


def load_bundle(directory: Path | None = None) -> ModelBundle:
    """Load and verify the models in ``directory`` (default: the shipped ones)."""
    directory = directory or default_model_dir()
    manifest = read_manifest(directory)
    check_compatible(manifest)
    path = directory / MODEL_FILE
    info = manifest.get("files", {}).get(MODEL_FILE)
    if not info:
        raise ArtifactError(f"the sidecar in {directory} does not list {MODEL_FILE}; {_FIX}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"cannot read model file {path} ({exc.strerror}); {_FIX}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != info.get("sha256"):
        raise ArtifactError(
            f"model file {path} does not match its sidecar (sha256 {actual[:12]}..., expected "
            f"{str(info.get('sha256'))[:12]}...); refusing to load it; {_FIX}"
        )
    arrays = _arrays(data, f"model file {path}")
    try:
        params = manifest["params"]
        from ._context_model import ContextModel
        from ._segment_model import SegmentModel

        segment = SegmentModel.from_arrays(params["segment"], arrays)
        context = ContextModel.from_arrays(params["context"], arrays)
        boundary = None
        if "boundary" in params:
            from ._boundary import BoundaryModel

            boundary = BoundaryModel.from_arrays(params["boundary"], arrays)
    except (KeyError, ValueError, TypeError) as exc:
        raise ArtifactError(f"model file {path} is incomplete ({exc}); {_FIX}") from None
    return ModelBundle(
        segment=segment,
        context=context,
        thresholds={k: float(v) for k, v in manifest.get("thresholds", {}).items()},
        manifest=manifest,
        boundary=boundary,
    )


URL_MODEL_FILE = "url-model.npz"
URL_MANIFEST = "url-model.json"


def save_url_model(model: UrlModel, directory: Path, extra: dict[str, Any]) -> dict[str, Any]:
    """Write the URL model's weights and its own sidecar (sha256, versions, data fingerprint, scores)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / URL_MODEL_FILE
    arrays = model.to_arrays()
    with path.open("wb") as f:
        np.savez_compressed(f, allow_pickle=False, **arrays)
    digest = sha256_file(path)
    manifest = {
        **extra,
        "model_version": f"url-{digest[:12]}",
        "feature_format": FEATURE_FORMAT,
        "files": {URL_MODEL_FILE: {"sha256": digest, "bytes": path.stat().st_size}},
        "libraries": library_versions(),
        "params": {"C": model.C, "random_state": model.random_state},
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / URL_MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def _read_verified(
    directory: Path, sidecar_name: str, file_name: str, what: str
) -> tuple[dict[str, Any], dict[str, np.ndarray], Path] | None:
    """A model file's sidecar and arrays, after checking the sidecar's compatibility and the file's sha256;
    None when the directory has no such sidecar. Shared by the URL model and the language identifier."""
    sidecar = directory / sidecar_name
    if not sidecar.is_file():
        return None
    try:
        manifest = dict(json.loads(sidecar.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"unreadable {what} sidecar {sidecar} ({exc}); {_FIX}") from None
    check_compatible(manifest)
    path = directory / file_name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"cannot read {what} {path} ({exc.strerror}); {_FIX}") from None
    if hashlib.sha256(data).hexdigest() != manifest.get("files", {}).get(file_name, {}).get("sha256"):
        raise ArtifactError(f"{what} {path} does not match its sidecar; refusing to load it; {_FIX}")
    return manifest, _arrays(data, f"{what} {path}"), path


def load_url_model(directory: Path | None = None) -> tuple[UrlModel, dict[str, Any]] | None:
    """The URL model and its sidecar, or None when the directory has none (the checker then uses rules
    and lists only). A model that is present but altered or incompatible raises ``ArtifactError``."""
    found = _read_verified(directory or default_model_dir(), URL_MANIFEST, URL_MODEL_FILE, "URL model")
    if found is None:
        return None
    manifest, arrays, path = found
    try:
        return UrlModel.from_arrays(manifest["params"], arrays), manifest
    except (KeyError, ValueError, TypeError) as exc:
        raise ArtifactError(f"URL model {path} is incomplete ({exc}); {_FIX}") from None


LANG_MODEL_FILE = "lang-model.npz"
LANG_MANIFEST = "lang-model.json"


def save_lang_model(model: LangId, directory: Path, extra: dict[str, Any]) -> dict[str, Any]:
    """Write the language identifier's weights and its own sidecar (sha256, versions, data, scores)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LANG_MODEL_FILE
    with path.open("wb") as f:
        np.savez_compressed(f, allow_pickle=False, **model.to_arrays())
    digest = sha256_file(path)
    manifest = {
        **extra,
        "model_version": f"lang-{digest[:12]}",
        "feature_format": FEATURE_FORMAT,
        "files": {LANG_MODEL_FILE: {"sha256": digest, "bytes": path.stat().st_size}},
        "libraries": library_versions(),
        "params": {"languages": list(model.languages)},
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / LANG_MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def load_lang_model(directory: Path | None = None) -> LangId | None:
    """The language identifier, or None when the directory has none (spans then make no language claim).
    A model that is present but altered or incompatible raises ``ArtifactError``."""
    found = _read_verified(directory or default_model_dir(), LANG_MANIFEST, LANG_MODEL_FILE, "language model")
    if found is None:
        return None
    manifest, arrays, path = found
    try:
        return LangId.from_arrays(manifest["params"], arrays)
    except (KeyError, ValueError, TypeError) as exc:
        raise ArtifactError(f"language model {path} is incomplete ({exc}); {_FIX}") from None
