"""The PySide6 + pyqtgraph user interface: main window, panes, and the job worker thread.

Nothing in ``fooling_gui.core`` imports this package; data flows one way, from the
core through worker threads (:mod:`.job_thread`) into widgets that draw snapshots.
"""
