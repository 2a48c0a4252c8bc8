"""The core must work where Qt is not installed (servers, notebooks, CI images)."""

from tests.no_qt import run_without_qt


def test_core_imports_and_runs_with_qt_unavailable(tmp_path):
    run_without_qt(f"""
        import pkgutil, importlib, fooling_gui.core as core
        for m in pkgutil.walk_packages(core.__path__, "fooling_gui.core."):
            importlib.import_module(m.name)
        from fooling_gui.core.evolution import EvolutionRun, RunConfig
        from fooling_gui.core.gallery import Provenance, export_gallery
        run = EvolutionRun(RunConfig(encoding="cppn", batch=8, generations=2))
        run.run()
        export_gallery(run.archive.elites(), Provenance.of_run(run), r"{tmp_path / 'g'}")
    """)
