"""What the kiosk says, in English and German: captions and the "why does this work?" cards.

Texts are ``str.format`` templates. Every template may use these fields:
``{label}`` (the class, e.g. ``7``), ``{a_label}`` (with an English article: ``an 8``),
``{confidence}`` (``99.99 %``, in the language's number format), ``{generation}``,
``{seconds}``, ``{model}``, ``{pixels}`` (numbers per image: 784 for MNIST) and
``{n_classes}``. A configuration file may replace any caption or the whole card list.
Cards are at most :data:`CARD_MAX_WORDS` words so they read from across a room. No Qt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence

from ...core.formatting import format_confidence

LANGUAGES = ("en", "de")
CARD_MAX_WORDS = 60
MAX_TEXT_CHARS = 1000  # any caption or card once filled in (a 60-word card is ~400)

CAPTIONS: dict[str, dict[str, str]] = {
    "en": {
        "attract_title": "Can a computer be fooled?",
        "attract_evolving": "Evolution changes random dots, keeping every change that makes "
                            "the computer more sure it sees {a_label}.",
        "attract_done": "Nobody would call this {a_label} \u2014 yet the computer is "
                        "{confidence} sure.",
        "loading": "Getting the next picture ready\u2026",
        "evolved_caption": "Evolved picture",
        "example_caption": "A real {label}",
        "example_credit": "handwritten, from MNIST",
        "vis_caption": "What the computer thinks {a_label} looks like",
        "vis_credit": "Not a photo: drawn by the network itself",
        "verdict_lead": "The computer says:",
        "verdict_class": "{a_label}",
        "generation": "generation {generation}",
        "touch_prompt": "Touch the screen to try it yourself",
        "choose_title": "What should the computer see?",
        "choose_hint": "Touch one. Evolution will make a picture the computer is sure about.",
        "visitor_title": "Make the computer see {a_label}",
        "visitor_evolving": "Watch the certainty climb: evolution keeps every change that "
                            "looks more like {a_label} to the computer.",
        "visitor_done": "Does this look like {a_label} to you? The computer is {confidence} sure.",
        "why_button": "Why does this work?",
        "again_button": "Try another",
        "back_button": "Back to the show",
        "next_card": "Another reason",
        "saved": "Your picture was saved in the gallery.",
        "idle_title": "Are you still there?",
        "idle_countdown": "The show starts again in {seconds} s.",
        "keep_going": "Keep going",
        "resting": "One moment \u2014 the exhibit is restarting.",
        "pin_title": "Staff only: enter the PIN",
        "pin_wrong": "Wrong PIN.",
        "cancel": "Cancel",
        "plot_left": "certainty",
        "plot_bottom": "generation",
    },
    "de": {
        "attract_title": "Kann man einen Computer täuschen?",
        "attract_evolving": "Die Evolution verändert zufällige Punkte und behält jede Änderung, "
                            "durch die der Computer sicherer \u201e{label}\u201c erkennt.",
        "attract_done": "Niemand würde hier \u201e{label}\u201c erkennen \u2013 doch der "
                        "Computer ist sich zu {confidence} sicher.",
        "loading": "Das nächste Bild wird vorbereitet \u2026",
        "evolved_caption": "Entwickeltes Bild",
        "example_caption": "Echtes Beispiel: {label}",
        "example_credit": "handgeschrieben, aus MNIST",
        "vis_caption": "So stellt sich der Computer \u201e{label}\u201c vor",
        "vis_credit": "Kein Foto: vom Netz selbst gemalt",
        "verdict_lead": "Der Computer sagt:",
        "verdict_class": "\u201e{label}\u201c",
        "generation": "Generation {generation}",
        "touch_prompt": "Berühre den Bildschirm und probiere es selbst",
        "choose_title": "Was soll der Computer sehen?",
        "choose_hint": "Tippe auf eines. Die Evolution macht ein Bild, bei dem sich der "
                       "Computer sicher ist.",
        "visitor_title": "Der Computer soll \u201e{label}\u201c sehen",
        "visitor_evolving": "Sieh zu, wie die Sicherheit steigt: Die Evolution behält jede "
                            "Änderung, die für den Computer mehr nach \u201e{label}\u201c aussieht.",
        "visitor_done": "Sieht das für dich nach \u201e{label}\u201c aus? Der Computer ist sich "
                        "zu {confidence} sicher.",
        "why_button": "Warum klappt das?",
        "again_button": "Noch einmal",
        "back_button": "Zurück zur Vorführung",
        "next_card": "Noch ein Grund",
        "saved": "Dein Bild wurde in der Galerie gespeichert.",
        "idle_title": "Bist du noch da?",
        "idle_countdown": "In {seconds} s geht die Vorführung weiter.",
        "keep_going": "Weitermachen",
        "resting": "Einen Moment \u2013 die Ausstellung startet neu.",
        "pin_title": "Nur für Personal: PIN eingeben",
        "pin_wrong": "Falsche PIN.",
        "cancel": "Abbrechen",
        "plot_left": "Sicherheit",
        "plot_bottom": "Generation",
    },
}

# Why a network is so easy to fool, in plain words for visitors: inputs live in a huge
# space the training pictures barely touch, a classifier must always pick a class, it
# keys on clues rather than objects, many small pushes add up, and what defences do.
# {pixels} is filled in with the model's input size.
CARDS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Pictures live in a huge space",
         ("Each picture here is {pixels} numbers, one per pixel: a point in a space with "
          "{pixels} directions. Real pictures fill only a thin sliver of it. The network "
          "learned from that sliver and simply guesses everywhere else \u2014 often with "
          "total confidence. Evolution finds places no real picture ever visits.")),
        ("It has to pick an answer",
         ("This network cannot say \u201cnone of these\u201d. Whatever it is shown, it shares "
          "out its certainty among its {n_classes} answers. So a picture that is merely "
          "\u201cmost like {a_label}\u201d can come out as \u201c{confidence} {a_label}\u201d.")),
        ("It looks for clues, not for things",
         ("The network learned a few tell-tale clues: certain strokes, edges and textures. "
          "It never checks that they make a proper whole. Evolution piles up the clues it "
          "likes, and that is enough. For a photo network, a \u201cschool bus\u201d only "
          "needs yellow and black stripes.")),
        ("Small pushes add up",
         ("Evolution changes many pixels a little at a time. Each change nudges the "
          "network's answer only slightly, but thousands of nudges in the same direction "
          "add up to a huge shift. The same trick turns a photo of a panda into a "
          "\u201cgibbon\u201d with a change no person can see.")),
        ("Can it be fixed?",
         ("Only partly. Asking several networks at once, smoothing pictures first, or "
          "retraining with fooling pictures as a class of their own all help a little \u2014 "
          "but new fooling pictures keep being found. The trick has a good use too: it "
          "shows what a network has learned to look for.")),
    ),
    "de": (
        ("Bilder wohnen in einem riesigen Raum",
         ("Jedes Bild hier besteht aus {pixels} Zahlen, eine pro Pixel: ein Punkt in einem "
          "Raum mit {pixels} Richtungen. Echte Bilder füllen nur einen dünnen Streifen davon. "
          "Das Netz kennt nur diesen Streifen und rät überall sonst \u2013 oft mit voller "
          "Überzeugung. Die Evolution findet Orte, die kein echtes Bild je besucht.")),
        ("Es muss sich entscheiden",
         ("Dieses Netz kann nicht \u201enichts davon\u201c sagen. Was es auch sieht, es verteilt "
          "seine Sicherheit auf seine {n_classes} Antworten. So wird aus einem Bild, das nur "
          "\u201eam ehesten\u201c nach \u201e{label}\u201c aussieht, schnell "
          "\u201e{confidence} {label}\u201c.")),
        ("Es sucht Hinweise, nicht Dinge",
         ("Das Netz hat ein paar typische Merkmale gelernt: bestimmte Striche, Kanten und "
          "Muster. Ob sie ein richtiges Ganzes ergeben, prüft es nie. Die Evolution häuft "
          "die Merkmale an, die es mag, und das genügt. Einem Foto-Netz reichen für einen "
          "\u201eSchulbus\u201c gelbe und schwarze Streifen.")),
        ("Kleine Schubse summieren sich",
         ("Die Evolution verändert viele Pixel jeweils ein wenig. Jede Änderung verschiebt "
          "die Antwort des Netzes nur leicht, doch Tausende Schubse in dieselbe Richtung "
          "ergeben einen riesigen Sprung. Derselbe Trick macht aus dem Foto eines Pandas "
          "einen \u201eGibbon\u201c \u2013 mit einer Änderung, die kein Mensch sieht.")),
        ("Lässt sich das beheben?",
         ("Nur teilweise. Mehrere Netze gemeinsam fragen, Bilder vorher glätten oder mit den "
          "Täuschbildern als eigener Klasse nachtrainieren: Das hilft ein wenig, doch es "
          "finden sich immer neue Täuschbilder. Der Trick hat auch einen guten Nutzen: Er "
          "zeigt, worauf ein Netz achtet.")),
    ),
}

# Values used to check templates; long ones, so a word count is never an underestimate.
SAMPLE_VALUES = {"label": "school bus", "a_label": "a school bus", "confidence": "99.995 %",
                 "generation": 1234, "seconds": 15, "model": "lenet", "pixels": "150,528",
                 "n_classes": 1000}


def word_count(text: str) -> int:
    """Words as a reader counts them: "99.99 %" is one, a dash is none."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def with_article(label: str) -> str:
    """English indefinite article for a class name: ``a 7``, ``an 8``, ``an owl``."""
    text = label.strip()
    low = text.lower()
    if not low:
        return text
    if low[0].isdigit():
        an = low.startswith("8") or re.match(r"1[18](\D|$)", low) is not None
    else:
        an = low[0] in "aeio" or (low[0] == "u" and not low.startswith(("uni", "use", "usu")))
    return f"{'an' if an else 'a'} {text}"


def _format_problem(text: str) -> str | None:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return "has a { or } that is not part of a field like {label} (write {{ or }})"
    for _literal, field, spec, _conversion in fields:
        if field is None:
            continue
        if not re.fullmatch(r"[a-z_]+", field):  # no {label.__class__} or {label[0]}
            return f"uses {{{field}}}, which the kiosk cannot fill in"
        if "{" in (spec or ""):
            return f"puts a field inside the format of {{{field}}}, which the kiosk does not allow"
        # Checked before formatting: "{label:>999999999}" would fill memory and freeze
        # the screen.
        if any(len(n) > 6 or int(n) > MAX_TEXT_CHARS for n in re.findall(r"\d+", spec or "")):
            return (f"pads {{{field}}} to more than {MAX_TEXT_CHARS:,} characters, which do "
                    "not fit on the screen")
    try:
        filled = text.format(**SAMPLE_VALUES)
    except KeyError as exc:
        return f"uses {{{exc.args[0]}}}, which the kiosk cannot fill in"
    except (ValueError, IndexError, AttributeError, TypeError):
        return "has a { or } that is not part of a field like {label} (write {{ or }})"
    if len(filled) > MAX_TEXT_CHARS:
        return (f"is {len(filled):,} characters long once filled in; at most "
                f"{MAX_TEXT_CHARS:,} fit on the screen")
    return None


def caption_problem(key: str, text: str) -> str | None:
    """Why ``text`` cannot replace caption ``key`` (finishing "captions.KEY …"), or None."""
    if key not in CAPTIONS["en"]:
        return "is not a caption the kiosk shows"
    return _format_problem(text)


def card_problems(cards: Sequence[tuple[str, str]]) -> str | None:
    """Why these cards cannot be used (one phrase), or None."""
    for i, (title, text) in enumerate(cards, start=1):
        problem = _format_problem(title) or _format_problem(text)
        if problem:
            return f"card {i} {problem}"
        words = word_count(text.format(**SAMPLE_VALUES))
        if words > CARD_MAX_WORDS:
            return (f"card {i} has {words} words; at most {CARD_MAX_WORDS} read well "
                    "from a distance")
    return None


class Texts:
    """Captions and cards of one language, with a configuration's overrides.

    Args:
        language: ``"en"`` or ``"de"``.
        overrides: caption key → template, already checked (see :func:`caption_problem`).
        cards: ``(title, text)`` templates replacing the built-in cards, already checked.
    """

    def __init__(self, language: str = "en", overrides: Mapping[str, str] | None = None,
                 cards: Sequence[tuple[str, str]] | None = None):
        self.language = language if language in LANGUAGES else "en"
        self._captions = {**CAPTIONS[self.language], **(overrides or {})}
        self._cards = tuple(cards) if cards else CARDS[self.language]

    def number(self, n: int) -> str:
        text = f"{n:,}"
        return text.replace(",", ".") if self.language == "de" else text

    def decimals(self, text: str) -> str:
        """``"99.99 %"`` with the language's decimal mark."""
        return text.replace(".", ",") if self.language == "de" else text

    def confidence(self, p: float) -> str:
        return self.decimals(format_confidence(p))

    def values(self, label: str = "", confidence: float = 0.0, **extra) -> dict:
        """Template fields for a class and a confidence, plus any ``extra`` ones."""
        values = dict(SAMPLE_VALUES)
        values.update(label=label, a_label=with_article(label) if self.language == "en" else label,
                      confidence=self.confidence(confidence))
        for key, value in extra.items():
            values[key] = self.number(value) if key in ("pixels", "n_classes") else value
        return values

    def caption(self, key: str, **values) -> str:
        template = self._captions[key]
        text = template.format(**{**self.values(), **values}) if "{" in template else template
        return text[:MAX_TEXT_CHARS]  # a class name can be long however well checked

    def cards(self, values: Mapping) -> list[tuple[str, str]]:
        """Every card, filled in with ``values`` (from :meth:`values`)."""
        return [(t.format(**values)[:MAX_TEXT_CHARS], x.format(**values)[:MAX_TEXT_CHARS])
                for t, x in self._cards]
