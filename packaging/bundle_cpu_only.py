"""PyInstaller runtime hook: the bundle runs on the CPU.

It leaves out the CUDA libraries that only GPU work opens (see fooling-gui.spec), so it
hides any GPU from torch before torch is imported. Set CUDA_VISIBLE_DEVICES yourself to
override (GPU runs then fail where a left-out library is needed).
"""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
