"""fooling-gui: see how deep neural networks are fooled."""

__version__ = "0.1.0"
