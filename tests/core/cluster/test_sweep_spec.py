"""Sweep files: the grid they describe and the sentences they are refused with."""

import pytest

from fooling_gui.core.cluster.sweep_spec import SweepSpec
from fooling_gui.core.errors import FoolingError


def test_every_combination_is_one_run_with_a_readable_folder_name():
    spec = SweepSpec.from_text("""
models = ["lenet"]
encodings = ["direct", "cppn"]
seeds = [0, 1, 2, 3]
generations = [10, 50]
classes = ["all", [3, 7]]
""")
    assert len(spec.runs) == 2 * 4 * 2 * 2
    ids = {r.run_id for r in spec.runs}
    assert "lenet-cppn-seed3-gen50-c3_7-paper" in ids
    assert "lenet-direct-seed0-gen10-all-paper" in ids


def test_a_setting_applies_only_to_the_encodings_it_exists_for():
    spec = SweepSpec.from_text("""
encodings = ["direct", "cppn"]
[settings]
coordinates = "smooth"
crops = "centre"
""")
    by_encoding = {r.encoding: r.settings for r in spec.runs}
    assert by_encoding["cppn"] == {"coordinates": "smooth", "crops": "centre"}
    assert by_encoding["direct"] == {"crops": "centre"}


def test_variants_name_their_preset_and_settings():
    spec = SweepSpec.from_text("""
encodings = ["cppn"]
[[variants]]
name = "paper"
[[variants]]
name = "smooth legacy"
preset = "legacy"
settings = { coordinates = "smooth", add_node = 0.3 }
""")
    runs = {r.variant: r for r in spec.runs}
    assert runs["smooth legacy"].preset == "legacy"
    assert runs["smooth legacy"].settings == {"coordinates": "smooth", "add_node": 0.3}
    assert runs["smooth legacy"].run_id.endswith("smooth_legacy")


def test_a_cuda_sweep_asks_for_gpus_and_a_cpu_sweep_for_none():
    cuda = SweepSpec.from_text('device = "cuda"\ngpus_per_run = 0.5\nencodings = ["direct"]')
    cpu = SweepSpec.from_text('encodings = ["direct"]\ncpus_per_run = 2')
    assert cuda.runs[0].gpus == 0.5
    assert cpu.runs[0].gpus == 0 and cpu.runs[0].cpus == 2


def test_a_model_file_is_found_beside_the_sweep_file(tmp_path):
    spec = SweepSpec.from_text('models = ["nets/mine.pt2"]', base=tmp_path)
    assert spec.models == (str(tmp_path / "nets" / "mine.pt2"),)
    assert spec.runs[0].run_id.startswith("mine-")


@pytest.mark.parametrize("text, words", [
    ("modles = ['lenet']", "unknown key 'modles'"),
    ("encodings = ['pixels']", "unknown encoding 'pixels'"),
    ("seeds = []", "seeds is empty"),
    ("seeds = [1.5]", "seeds must hold whole numbers"),
    ("generations = [-1]", "generations must be at least 0"),
    ("[settings]\ncoordinate = 'smooth'", "no setting 'coordinate'"),
    ("encodings = ['direct']\n[settings]\ncoordinates = 'smooth'", "applies to none"),
    ("[settings]\ncrops = 'five'", "crops must be one of"),
    ("presets = ['paper']\n[[variants]]\nname = 'x'", "not both"),
    ("seeds = [1, 1]", "share the folder"),
    ("cpus_per_run = 0", "positive number"),
    ("seeds = [", "not valid TOML"),
])
def test_mistakes_are_refused_in_one_sentence(text, words):
    with pytest.raises(FoolingError) as info:
        SweepSpec.from_text(text)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_the_documented_example_is_a_valid_sweep():
    from pathlib import Path

    example = Path(__file__).parents[3] / "docs" / "sweep.toml"
    spec = SweepSpec.from_file(example)
    assert len(spec.runs) == 8 and {r.encoding for r in spec.runs} == {"direct", "cppn"}
