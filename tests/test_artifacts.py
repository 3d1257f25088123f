"""Model files are verified before use, and a mismatch says how to fix it."""

from __future__ import annotations

import json
import shutil

import pytest

from classifiers import ArtifactError, default_model_dir, load_bundle


@pytest.fixture()
def model_copy(tmp_path):
    target = tmp_path / "models"
    shutil.copytree(default_model_dir(), target)
    return target


def test_shipped_models_load_and_carry_their_provenance():
    bundle = load_bundle()
    m = bundle.manifest
    assert bundle.version.startswith("seg-ctx-")
    assert {"data_fingerprint", "libraries", "files", "thresholds", "training", "validation"} <= set(m)
    assert 0 < bundle.thresholds["span"] <= bundle.thresholds["document"] < 1


def test_tampered_model_file_is_refused(model_copy):
    path = model_copy / "models.npz"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"does not match its sidecar.*make model"):
        load_bundle(model_copy)


def test_missing_sidecar_is_refused(model_copy):
    (model_copy / "manifest.json").unlink()
    with pytest.raises(ArtifactError, match=r"no model sidecar.*make model"):
        load_bundle(model_copy)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("feature_format", 999, "feature format"), ("libraries", {"numpy": "0.1"}, "numpy")],
)
def test_incompatible_models_are_refused(model_copy, key, value, message):
    path = model_copy / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest[key] = value
    path.write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=message):
        load_bundle(model_copy)


def _rewrite(directory, name, sidecar, change):
    """Damage a model file and make its sidecar's sha256 match the damage (a bad copy, a bad edit)."""
    import hashlib

    path = directory / name
    data = change(path.read_bytes())
    path.write_bytes(data)
    manifest = json.loads((directory / sidecar).read_text())
    manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
    (directory / sidecar).write_text(json.dumps(manifest))


DAMAGE = {
    "truncated to half": lambda d: d[: len(d) // 2],
    "truncated at the end": lambda d: d[:-100],
    "ten bytes": lambda d: d[:10],
    "a byte flipped inside": lambda d: (
        d[: len(d) // 3] + bytes([d[len(d) // 3] ^ 0xFF]) + d[len(d) // 3 + 1 :]
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize(
    ("name", "sidecar"), [("models.npz", "manifest.json"), ("url-model.npz", "url-model.json")]
)
def test_a_damaged_model_file_whose_sha256_matches_is_a_clear_error(model_copy, damage, name, sidecar):
    from classifiers import load_url_model

    _rewrite(model_copy, name, sidecar, DAMAGE[damage])
    load = load_bundle if name == "models.npz" else load_url_model
    with pytest.raises(ArtifactError, match=r"make model"):
        load(model_copy)
