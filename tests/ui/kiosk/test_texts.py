"""The kiosk's words: complete in every language, short cards, correct articles and numbers."""

from __future__ import annotations

import pytest

from fooling_gui.ui.kiosk.texts import (
    CAPTIONS,
    CARD_MAX_WORDS,
    LANGUAGES,
    Texts,
    caption_problem,
    with_article,
    word_count,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_caption_and_they_all_format(language):
    assert set(CAPTIONS[language]) == set(CAPTIONS["en"])
    for key, text in CAPTIONS[language].items():
        assert caption_problem(key, text) is None, key


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size, classes", [((28, 28, 1), 10), ((256, 256, 3), 1000)])
def test_cards_are_short_enough_to_read_from_across_a_room(language, size, classes):
    texts = Texts(language)
    values = texts.values("school bus", 0.99995, pixels=size[0] * size[1] * size[2],
                          n_classes=classes)
    cards = texts.cards(values)
    assert len(cards) >= 4
    for title, text in cards:
        assert title and 15 <= word_count(text) <= CARD_MAX_WORDS, (title, word_count(text))
        assert "{" not in text


def test_cards_explain_the_project_reasons():
    text = " ".join(t for _, t in Texts("en").cards(Texts("en").values("7", 0.9999, pixels=784,
                                                                           n_classes=10)))
    for idea in ("784 directions", "none of these", "clues", "nudges", "retraining"):
        assert idea in text


def test_english_articles():
    assert [with_article(x) for x in ("7", "8", "11", "18", "owl", "school bus", "umbrella")] == \
        ["a 7", "an 8", "an 11", "an 18", "an owl", "a school bus", "an umbrella"]


def test_numbers_follow_the_language():
    en, de = Texts("en"), Texts("de")
    assert en.confidence(0.99991) == "99.99 %" and de.confidence(0.99991) == "99,99 %"
    assert en.number(150528) == "150,528" and de.number(150528) == "150.528"
    assert en.caption("attract_done", **en.values("8", 0.99995)) == \
        "Nobody would call this an 8 \u2014 yet the computer is 99.995 % sure."


def test_overrides_replace_single_captions_and_the_cards():
    texts = Texts("en", {"attract_title": "Fool the computer!"}, [("T", "About {label}.")])
    assert texts.caption("attract_title") == "Fool the computer!"
    assert texts.caption("touch_prompt") == CAPTIONS["en"]["touch_prompt"]
    assert texts.cards(texts.values("7")) == [("T", "About 7.")]


def test_word_count_counts_what_a_reader_counts():
    assert word_count("It is 99.99 % a 7 \u2014 really.") == 6


def test_the_confidence_axis_speaks_the_language(qapp):
    from fooling_gui.ui.kiosk.result_panel import ResultPanel

    axis = ResultPanel(Texts("de"), with_plot=True).plot.plot.getPlotItem().getAxis("left")
    labels = [text for _value, text in axis._tickLevels[0]]
    assert "99,99 %" in labels and "99.99 %" not in labels
