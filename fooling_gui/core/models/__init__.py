"""Classifiers the app can fool: LeNet on MNIST, torchvision ImageNet models, custom files.

Everything goes through :func:`load_model`, which returns a :class:`Classifier` that
takes ``(B, C, H, W)`` images in ``[0, 1]`` and does all the preprocessing.
"""

from .classifier import Classifier, ten_crops
from .lenet import MNIST_CLASSES, LeNet
from .registry import FEATURED_IMAGENET, ModelInfo, available_models, load_model
from .spec import ModelSpec
from .torchvision_models import (
    download_weights,
    imagenet_model_names,
    install_weights_file,
    weights_file,
    weights_present,
)
from .weights_io import file_sha256

__all__ = [
    "FEATURED_IMAGENET",
    "MNIST_CLASSES",
    "Classifier",
    "LeNet",
    "ModelInfo",
    "ModelSpec",
    "available_models",
    "download_weights",
    "file_sha256",
    "imagenet_model_names",
    "install_weights_file",
    "load_model",
    "ten_crops",
    "weights_file",
    "weights_present",
]
