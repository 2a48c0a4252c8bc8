"""A LeNet trained here in a few seconds on the offline digits, shared by the tests."""

import pytest


@pytest.fixture(scope="session")
def digit_split():
    from fooling_gui.core.attacks.training import digit_split

    return digit_split()


@pytest.fixture(scope="session")
def quick_lenet(digit_split):
    """One epoch on the 4,000 training digits."""
    from fooling_gui.core.attacks.training import quick_lenet

    return quick_lenet(digit_split, seed=0, epochs=1)
