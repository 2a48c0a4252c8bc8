"""One copy of each model, shared by every tab's worker thread."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.evolution import RunConfig
from fooling_gui.core.models import load_model
from fooling_gui.core.vis import capture_activations
from fooling_gui.sessions.attack_session import AttackSession
from fooling_gui.sessions.evolution_session import EvolutionSession
from fooling_gui.sessions.job_control import JobControl
from fooling_gui.sessions.model_cache import ModelCache, ModelKey
from fooling_gui.sessions.vis_session import VisSession


class CountingLoader:
    """Loads real models and counts the loads (slowly, so threads overlap)."""

    def __init__(self, delay: float = 0.0):
        self.calls: list[tuple[str, bool]] = []
        self.delay = delay

    def __call__(self, name: str, random_init: bool):
        self.calls.append((name, random_init))
        time.sleep(self.delay)
        if name == "broken":
            raise FoolingError("That model file is damaged.")
        return load_model(name, random_init=random_init)


def test_every_tab_choosing_the_same_model_gets_one_copy_loaded_once():
    load = CountingLoader()
    models = ModelCache(load)
    evolution, vis, attack = (EvolutionSession(models=models), VisSession(models=models),
                              AttackSession(models=models))
    info = evolution.model_info("lenet")
    assert info.key == ModelKey("lenet", False)
    vis_model = vis.load(info.key)
    attack_model = attack.load(info.key)
    assert vis.classifier(info.key) is attack.classifier(info.key) is evolution.classifier("lenet")
    assert vis_model.key == attack_model.key == ("lenet", False)
    assert load.calls == [("lenet", False)] and models.loads == 1


def test_random_weights_are_another_model():
    models = ModelCache(CountingLoader())
    trained = models.get(ModelKey("lenet"))
    random = models.get(ModelKey("lenet", True))
    assert trained is not random and random.spec.random_init and not trained.spec.random_init


def test_threads_asking_at_once_wait_for_one_load():
    load = CountingLoader(delay=0.3)
    models = ModelCache(load)
    got = []
    threads = [threading.Thread(target=lambda i=i: got.append(models.use(i, "lenet")))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(got) == 4 and all(c is got[0] for c in got)
    assert load.calls == [("lenet", False)]


def test_a_model_no_tab_holds_is_dropped_beyond_the_spare():
    load = CountingLoader()
    models = ModelCache(load, spare=1)
    lenet = models.use("evolution", "lenet")
    models.use("vis", "lenet")
    models.use("evolution", ("lenet", True))  # vis still holds the trained LeNet
    assert set(models.cached()) == {ModelKey("lenet"), ModelKey("lenet", True)}
    models.use("vis", ("lenet", True))  # nobody holds it now: kept as the one spare
    assert ModelKey("lenet") in models.cached()
    assert models.get("lenet") is lenet and load.calls.count(("lenet", False)) == 1
    models.use("other", "efficientnet_lite0")
    models.release("other")  # a newer unused model: the older spare goes
    assert ModelKey("lenet") not in models.cached()
    assert ModelKey("lenet", True) in models.cached()  # held by both tabs


def test_a_model_that_fails_to_load_is_not_cached():
    load = CountingLoader()
    models = ModelCache(load)
    for _ in range(2):
        with pytest.raises(FoolingError, match="damaged"):
            models.use("evolution", "broken")
    assert load.calls == [("broken", False)] * 2 and models.cached() == []


def test_crop_views_share_the_network():
    models = ModelCache(CountingLoader())
    base = models.get("efficientnet_lite0")
    ten = models.view("efficientnet_lite0", ten_crop=True)
    assert ten.spec.ten_crop and ten.module is base.module
    assert models.view("efficientnet_lite0", ten_crop=True) is ten
    assert models.view("lenet", ten_crop=True) is models.get("lenet")  # no crops to take


def test_forgetting_a_model_reloads_it_for_every_tab():
    load = CountingLoader()
    models = ModelCache(load)
    first = models.use("vis", "lenet")
    models.forget("lenet")
    assert models.use("attack", "lenet") is not first and len(load.calls) == 2


def test_a_run_keeps_its_model_while_another_is_chosen():
    load = CountingLoader()
    models = ModelCache(load, spare=0)
    session = EvolutionSession(models=models)
    session.model_info("lenet")
    frames = session.evolve(JobControl(interval_s=0.0),
                            RunConfig(model="lenet", encoding="cppn", batch=8, generations=3))
    next(frames)
    frames.close()
    session.model_info("lenet", random_init=True)  # the user moved on; the run is shown
    assert ModelKey("lenet") in models.cached()
    session.reset()
    assert ModelKey("lenet") not in models.cached()
    session.close()
    assert models.cached() == []


def test_activation_hooks_act_only_in_the_thread_that_set_them():
    from fooling_gui.core.vis.layers import StopForward

    classifier = load_model("lenet")
    x = classifier.network_input(torch.full((2, 1, 28, 28), 0.5))
    seen_elsewhere = {}
    with capture_activations(classifier.module, ["features.0"], stop_when_done=True) as store:
        def other_thread():  # another tab's forward pass through the same network
            with torch.inference_mode():
                seen_elsewhere["out"] = classifier.module(x)  # would raise StopForward
        t = threading.Thread(target=other_thread)
        t.start()
        t.join(30)
        assert seen_elsewhere["out"].shape == (2, 10) and "features.0" not in store
        with pytest.raises(StopForward), torch.inference_mode():
            classifier.module(x)
        assert store["features.0"].shape[:2] == (2, 20)
