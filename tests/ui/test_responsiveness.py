"""How many torch threads the window's worker takes, per model."""

import dataclasses

from fooling_gui.core.models.lenet import lenet_spec
from fooling_gui.sessions.torch_threads import THREADS_ENV, is_heavy, worker_torch_threads


def test_small_models_leave_a_core_to_the_gui_and_heavy_ones_take_all(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert worker_torch_threads(cpu_count=2) == 1
    assert worker_torch_threads(cpu_count=1) == 1
    assert worker_torch_threads(cpu_count=2, heavy=True) == 2
    assert not is_heavy(lenet_spec())
    assert is_heavy(dataclasses.replace(lenet_spec(), input_size=(224, 224)))
    monkeypatch.setenv(THREADS_ENV, "3")
    assert worker_torch_threads(cpu_count=2, heavy=True) == 3
