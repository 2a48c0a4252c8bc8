import json

import numpy as np
import pytest
from PIL import Image

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.evolution import Elite
from fooling_gui.core.gallery import Provenance, export_gallery, read_png_text


def _elites(n=3):
    rng = np.random.default_rng(1)
    return [Elite(class_index=k, class_name=f"class {k}/x", confidence=0.99991 + k * 1e-6,
                  generation=k, image=rng.integers(0, 256, (28, 28, 1), dtype=np.uint8),
                  genome=None, probabilities=np.zeros(10, np.float32)) for k in range(n)]


def _prov():
    return Provenance(model="lenet", model_label="lenet", weights_sha256="ab" * 32,
                      random_init=False, encoding="direct", seed=5, generations=12,
                      evaluations=2600, wall_seconds=1.5)


def test_gallery_has_pngs_with_provenance_sheet_html_and_manifest(tmp_path):
    out = tmp_path / "g"
    manifest_path = export_gallery(_elites(), _prov(), out)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["model"] == "lenet" and manifest["seed"] == 5
    assert [e["class_index"] for e in manifest["elites"]] == [0, 1, 2]
    first = manifest["elites"][0]
    assert first["file"] == "0000_class_0_x.png"
    text = read_png_text(out / first["file"])
    assert float(text["confidence"]) == first["confidence"]
    assert text["weights_sha256"] == "ab" * 32 and text["seed"] == "5"
    pixels = np.asarray(Image.open(out / first["file"]))
    assert np.array_equal(pixels, _elites()[0].image[:, :, 0])
    assert Image.open(out / "contact_sheet.png").size[0] > 3 * 28
    html = (out / "index.html").read_text()
    assert "class 1/x" in html and "99.99 %" in html
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_an_existing_gallery_is_never_overwritten_silently(tmp_path):
    out = tmp_path / "g"
    export_gallery(_elites(1), _prov(), out)
    before = (out / "manifest.json").read_text()
    with pytest.raises(FoolingError, match="already exists"):
        export_gallery(_elites(2), _prov(), out)
    assert (out / "manifest.json").read_text() == before
    export_gallery(_elites(2), _prov(), out, overwrite=True)
    assert len(json.loads((out / "manifest.json").read_text())["elites"]) == 2


def test_unwritable_destination_is_one_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FoolingError, match="is a file"):
        export_gallery(_elites(1), _prov(), blocker)
    with pytest.raises(FoolingError, match="cannot be written.*is a file, not a folder"):
        export_gallery(_elites(1), _prov(), blocker / "sub" / "g")
