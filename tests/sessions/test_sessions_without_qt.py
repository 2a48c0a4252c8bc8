"""The session layer must work where Qt is not installed: the kiosk's and the window's
worker side, driven from a script or a server."""

from tests.no_qt import run_without_qt


def test_sessions_import_and_run_with_qt_unavailable(tmp_path):
    run_without_qt(f"""
        import pkgutil, importlib, fooling_gui.sessions as sessions
        for m in pkgutil.walk_packages(sessions.__path__, "fooling_gui.sessions."):
            importlib.import_module(m.name)
        from fooling_gui.core.evolution import RunConfig
        from fooling_gui.sessions import ModelCache, ModelKey
        from fooling_gui.sessions.attack_session import AttackRequest, AttackSession
        from fooling_gui.sessions.job_control import JobControl
        from fooling_gui.sessions.paced_session import PacedSession
        from fooling_gui.sessions.vis_session import VisSession

        models = ModelCache()
        session = PacedSession(pace=1000.0, target_confidence=0.99, models=models)
        frames = session.evolve(JobControl(interval_s=0.0),
                                RunConfig(encoding="cppn", batch=8, generations=2))
        for _ in frames:
            pass
        saved = session.save_visitor_image(r"{tmp_path / 'visitor'}")
        assert saved.problem == "", saved.problem
        key = ModelKey("lenet")
        analysis = VisSession(models=models).analyse_digit(key, 3, 0, smooth=False)
        attack = AttackSession(models=models)
        view = attack.attack(None, key, attack.digit(key, 3, 0), AttackRequest("fgsm", 0.2))
        assert analysis.top and view.caption and models.loads == 1
    """)
    assert (tmp_path / "visitor" / "manifest.json").is_file()
