"""The Adversarial tab's sentence states the push as the ε control shows it."""

from fooling_gui.sessions.attack_session import AttackRequest, attack_caption


def test_a_two_level_push_is_not_rounded_up_to_a_hundredth():
    request = AttackRequest("pgd", 2 / 255, target=145, steps=40)
    text = attack_caption("espresso", 0.9567, "king penguin", 0.9714, 2 / 255, request,
                          "king penguin", True)
    assert text.startswith("Changed each pixel by at most 0.008 (2 of 255 brightness levels)")
