"""Adversarial perturbations, the logistic-regression toy, and measured defences.

* :func:`fgsm`, :func:`pgd` → :class:`AttackResult` (judged on 8-bit images);
* :class:`LogisticToy` — why many small pushes add up;
* defences, each with a function that measures it: :class:`EnsembleClassifier`
  (:func:`compare_ensemble`), :class:`SmoothedClassifier` (:func:`measure_smoothing`),
  :func:`threshold_table`, :func:`transfer_matrix` and the n+1 retraining experiment
  :func:`retrain_experiment`.
"""

from .ensemble import EnsembleClassifier, EnsembleComparison, compare_ensemble
from .evolved import EvolvedImages, evolve_against, median_generations
from .fgsm import fgsm
from .perturbation import AttackResult
from .pgd import AttackCancelled, pgd
from .retrain import RetrainRound, retrain_experiment
from .smoothing import SmoothedClassifier, SmoothingRow, measure_smoothing
from .threshold import ThresholdRow, threshold_table
from .toy import LogisticToy
from .transfer import TransferMatrix, transfer_experiment, transfer_matrix

__all__ = [
    "AttackCancelled", "AttackResult", "EnsembleClassifier", "EnsembleComparison", "EvolvedImages",
    "LogisticToy", "RetrainRound", "SmoothedClassifier", "SmoothingRow", "ThresholdRow",
    "TransferMatrix", "compare_ensemble", "evolve_against", "fgsm", "measure_smoothing",
    "median_generations", "pgd", "retrain_experiment", "threshold_table",
    "transfer_experiment", "transfer_matrix",
]
