"""One model choice, followed by every tab, with one copy of the model in memory."""

from __future__ import annotations

from fooling_gui.sessions.model_cache import ModelKey
from fooling_gui.ui.panes import AttackPane, VisualizationPane

TIMEOUT = 120_000



def pane(window, kind):
    return next(p for p in window.panes() if isinstance(p, kind))


def test_every_tab_follows_the_choice_and_shares_one_loaded_model(qtbot, window):
    view = window.evolution
    vis, attack = pane(window, VisualizationPane), pane(window, AttackPane)
    with qtbot.waitSignal(view.model_ready, timeout=TIMEOUT) as chosen:
        view.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    assert chosen.args[0].key == ModelKey("lenet", False)
    assert vis.model_key == attack.model_key == ModelKey("lenet", False)

    with qtbot.waitSignal(view.model_ready, timeout=TIMEOUT) as chosen:
        view.choose_model("efficientnet_lite0")  # shipped: no weights dialog
    key = chosen.args[0].key
    assert key == ModelKey("efficientnet_lite0", False) and chosen.args[0].label
    assert vis.model_key == attack.model_key == key
    for tab in (vis, attack):
        window.tabs.setCurrentWidget(tab)  # shown: the tab takes the model from the cache
        qtbot.waitUntil(lambda t=tab: t.model is not None, timeout=TIMEOUT)
        assert tab.model.key == key
    models = view.models
    assert vis.session.models is models and attack.session.models is models
    assert models.loads == 2  # LeNet once, Lite0 once, for three tabs
    assert vis.session.classifier(key) is attack.session.classifier(key) is models.get(key)


def test_a_model_that_will_not_load_falls_back_to_lenet_in_every_tab(qtbot, window, tmp_path):
    view = window.evolution
    vis, attack = pane(window, VisualizationPane), pane(window, AttackPane)
    with qtbot.waitSignal(view.model_ready, timeout=TIMEOUT):
        view.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    with qtbot.waitSignal(view.model_ready, timeout=TIMEOUT) as chosen:
        view.choose_model(str(broken))
    assert chosen.args[0].key == ModelKey("lenet", False)
    assert view.errors and "Traceback" not in view.errors[-1]
    assert view.controls.model_name() == "lenet"
    assert vis.model_key == attack.model_key == ModelKey("lenet", False)
    assert ModelKey(str(broken)) not in view.models.cached()
