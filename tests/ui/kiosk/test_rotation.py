"""The attract loop's order: every class of every model, and failing models dropped."""

from __future__ import annotations

from types import SimpleNamespace

from fooling_gui.ui.kiosk.config import KioskConfig
from fooling_gui.ui.kiosk.rotation import Rotation


def info(n):
    return SimpleNamespace(class_names=tuple(str(i) for i in range(n)))


def test_classes_then_models_in_turn():
    r = Rotation(KioskConfig(models=("a", "b"), classes={"a": (1, 2), "b": (5,)}))
    r.infos.update(a=info(10), b=info(10))
    seen = []
    for _ in range(6):
        seen.append((r.model, r.current_class()))
        r.advance()
    assert seen == [("a", 1), ("a", 2), ("b", 5), ("a", 1), ("a", 2), ("b", 5)]


def test_a_model_that_keeps_failing_leaves_but_the_last_one_stays():
    r = Rotation(KioskConfig(models=("broken", "lenet")))
    assert r.record_failure("broken") is False
    assert r.record_failure("broken") is True
    assert r.models == ["lenet"] and r.model == "lenet"
    for _ in range(5):
        r.record_failure("lenet")
    assert r.models == ["lenet"]


def test_only_failures_in_a_row_count():
    r = Rotation(KioskConfig(models=("sometimes", "lenet")))
    r.record_failure("sometimes")
    r.record_success("sometimes")
    assert r.record_failure("sometimes") is False
    assert r.models == ["sometimes", "lenet"]
