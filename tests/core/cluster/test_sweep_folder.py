"""A sweep folder without Ray: one writer at a time, and what reading it refuses."""

import pytest

from fooling_gui.core.cluster.sweep import _folder_lock, run_sweep
from fooling_gui.core.cluster.sweep_folder import read_sweep
from fooling_gui.core.cluster.sweep_spec import SweepSpec
from fooling_gui.core.errors import FoolingError


def test_a_second_sweep_into_the_same_folder_is_refused(tmp_path):
    spec = SweepSpec.from_text('encodings = ["direct"]\ngenerations = [1]')
    with _folder_lock(tmp_path):  # as a sweep that is still running holds it
        with pytest.raises(FoolingError, match="Another sweep is writing to"):
            run_sweep(spec, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_a_sweep_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(FoolingError, match="is not a sweep folder"):
        read_sweep(tmp_path)
