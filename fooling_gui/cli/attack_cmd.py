"""``fooling-gui attack``: an invisible push that changes the model's answer (FGSM / PGD)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (add_model_arguments, parse_class, positive_float, positive_int, print_json,
                     seed_int)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "attack", help="perturb real images so the model changes its answer (FGSM, PGD)",
        description="Add a small perturbation (at most EPSILON per pixel, in [0, 1] units) "
        "that changes the model's answer. By default attacks 100 of the shipped held-out "
        "MNIST digits (10 per class) with LeNet; --photos attacks the shipped photographs "
        "(ImageNet models). Success is measured on the 8-bit images.")
    add_model_arguments(p)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--image", type=Path, metavar="FILE", help="attack this image file")
    src.add_argument("--digits", type=positive_int, metavar="N",
                     help="attack N shipped MNIST digits, classes in turn (default: 100)")
    src.add_argument("--photos", action="store_true",
                     help="attack the real photographs that ship with fooling-gui (a cat, an "
                     "espresso, a rocket, a cameraman, an astronaut), for ImageNet models")
    p.add_argument("--method", choices=("fgsm", "pgd"), default="pgd",
                   help="one signed-gradient step (fgsm) or many projected steps (pgd, default)")
    p.add_argument("--epsilon", type=fraction, default=0.2, metavar="E",
                   help="largest change per pixel, 0–1, or a fraction such as 2/255 "
                   "(default: 0.2 = 51 grey levels)")
    p.add_argument("--target", metavar="K",
                   help="push towards class K (index or name); 'next': (label + 1) mod "
                   "classes; 'all': every other class in turn (one attack per pair); "
                   "'random:N': N different random classes per image (one attack each, "
                   "drawn with --seed); default: untargeted (away from the label)")
    p.add_argument("--steps", type=positive_int, default=40, metavar="N",
                   help="PGD steps (default: 40)")
    p.add_argument("--step-size", type=positive_float, metavar="A",
                   help="PGD step size (default: 2.5 * epsilon / steps)")
    p.add_argument("--random-start", action="store_true",
                   help="PGD: start from a random point in the epsilon ball")
    p.add_argument("--seed", type=seed_int, default=0, help="seed of the random start (default: 0)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write original, adversarial and perturbation PNGs and attack.json here")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out folder")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def fraction(text: str) -> float:
    """A positive number, also written as a fraction: ``0.2``, ``2/255``."""
    top, slash, bottom = text.partition("/")
    if not slash:
        return positive_float(text)
    try:
        value = float(top) / float(bottom)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number or a fraction") from None
    return positive_float(repr(value))


def parse_target(text: str | None, class_names: tuple[str, ...]):
    """``None`` (untargeted), ``"next"``, ``"all"``, ``("random", n)`` or a class index
    (FoolingError if unknown)."""
    from ..core.errors import FoolingError

    if text is None:
        return None
    item = text.strip()
    if item.lower() in ("next", "all"):
        return item.lower()
    if item.lower().startswith("random:"):
        count = item.split(":", 1)[1].strip()
        if not count.isdigit() or not 1 <= int(count) < len(class_names):
            raise FoolingError(f"--target random:N needs N between 1 and "
                               f"{len(class_names) - 1}, not {count!r}.")
        return ("random", int(count))
    return parse_class(item, class_names)


def load_inputs(args: argparse.Namespace, session, key):
    """``(uint8 images (N, H, W, C), true labels or None, names)`` to attack: a file or
    the shipped photos read as the Adversarial tab reads them, or shipped digits."""
    import numpy as np

    from ..core.attacks.digits import spread_indices
    from ..core.errors import FoolingError

    spec = session.classifier(key).spec
    if args.image is not None:
        return session.file(key, args.image).image[None], None, [str(args.image)]
    if args.photos:
        from ..core.photos import PHOTOS

        if spec.channels != 3:
            raise FoolingError(f"The shipped photos are colour pictures for ImageNet models, "
                               f"not for {spec.label}.")
        return (np.stack([session.photo(key, p.key).image for p in PHOTOS]), None,
                [p.key for p in PHOTOS])
    if spec.channels != 1 or spec.image_size != (28, 28) or spec.n_classes < 10:
        raise FoolingError(f"The shipped digits fit MNIST models only; give {spec.label} "
                           "an image with --image.")
    from ..core.datasets import mnist_sample

    images, labels = mnist_sample()
    idx = spread_indices(labels, args.digits or 100)
    return images[idx], labels[idx], [f"digit #{int(i)}" for i in idx]


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..core.attacks.perturbation import check_epsilon
    from ..core.gallery.export import check_destination
    from ..sessions.attack_session import AttackRequest, AttackSession
    from .common import command_models, model_key

    check_epsilon(args.epsilon)
    if args.image is not None and not args.image.is_file():
        from ..core.errors import FoolingError

        raise FoolingError(f"No image file at {args.image}.")
    if args.out is not None:
        check_destination(args.out, args.force)
    # The Adversarial tab's session: its model cache, its inputs, its attacks.
    session = AttackSession(models=command_models(args), ten_crop=args.ten_crop)
    key = model_key(args)
    classifier = session.classifier(key)
    spec = classifier.spec
    target = parse_target(args.target, spec.class_names)
    images, labels, names = load_inputs(args, session, key)

    targets = target
    if target in ("next", "all") or isinstance(target, tuple):
        from ..core.images import from_uint8

        start = labels if labels is not None else \
            classifier.probabilities(from_uint8(images)).argmax(dim=1).numpy()
        start = np.asarray(start)
        if target == "next":
            targets = (start + 1) % spec.n_classes
        else:  # one attack per (image, other class) pair: all, or N random ones
            shifts = np.arange(1, spec.n_classes)
            if isinstance(target, tuple):
                rng = np.random.default_rng(args.seed)
                shifts = np.stack([rng.choice(shifts, size=target[1], replace=False)
                                   for _ in start])
            targets = ((start[:, None] + shifts) % spec.n_classes).reshape(-1)
            repeat = shifts.shape[-1]
            images = np.repeat(images, repeat, axis=0)
            labels = np.repeat(start, repeat) if labels is not None else None
            names = [f"{n} → {spec.class_names[t]}" for n, t in
                     zip(np.repeat(np.asarray(names, dtype=object), repeat), targets)]
    request = AttackRequest(args.method, args.epsilon, steps=args.steps,
                            step_size=args.step_size, random_start=args.random_start,
                            seed=args.seed)
    result = session.attack_images(None, key, images, request, labels=labels, targets=targets)
    report = attack_report(result, spec, args, names, labels is not None)
    if args.out is not None:
        write_outputs(result, report, args.out)
    if args.json:
        print_json(report)
    else:
        print_summary(report)
    return 0


def attack_report(result, spec, args: argparse.Namespace, names: list[str],
                  true_labels: bool) -> dict:
    """The JSON document: settings, totals and one entry per image."""

    def entries(top):
        return [{"class_index": k, "class_name": n, "confidence": c} for k, n, c in top]

    before, after = result.top_k(3, after=False), result.top_k(3, after=True)
    per_image = []
    linf_all = result.linf_per_image
    for i, name in enumerate(names):
        linf = float(linf_all[i])
        per_image.append({
            "input": name,
            "label": int(result.labels[i]),
            "target": None if result.targets is None else int(result.targets[i]),
            "before": entries(before[i]),
            "after": entries(after[i]),
            "success": bool(result.success[i]),
            "linf": linf,
        })
    report = {
        "model": spec.label,
        "method": result.method,
        "epsilon": result.epsilon,
        "targeted": result.targeted,
        "target": args.target,
        "steps": args.steps if result.method == "pgd" else 1,
        "random_start": bool(args.random_start) if result.method == "pgd" else False,
        "seed": args.seed,
        "n_images": len(names),
        "labels": "true labels" if true_labels else "model's prediction",
        "success_rate": result.success_rate,
        "max_linf": result.max_linf,
        "accuracy_before": None,
        "accuracy_after": None,
        "images": per_image,
    }
    if true_labels:
        report["accuracy_before"] = float((result.predicted_before == result.labels).mean())
        report["accuracy_after"] = float((result.predicted_after == result.labels).mean())
    return report


def write_outputs(result, report: dict, out: Path) -> None:
    """PNG triplets (perturbation shown mid-grey = no change) and ``attack.json``."""
    import io

    import numpy as np

    from ..core.images import pil_image
    from ..core.files import write_bytes, write_json

    def save_png(array: np.ndarray, path: Path) -> None:
        buf = io.BytesIO()
        pil_image(array).save(buf, format="PNG")
        write_bytes(path, buf.getvalue())

    # Stretch ±epsilon to the full grey range so the push is visible at all.
    shown = np.clip(np.round(127.5 + 127.5 * result.perturbation / result.epsilon), 0, 255)
    shown = shown.astype(np.uint8)
    for i in range(len(result.original)):
        save_png(result.original[i], out / f"{i:03d}_original.png")
        save_png(result.adversarial[i], out / f"{i:03d}_adversarial.png")
        save_png(shown[i], out / f"{i:03d}_perturbation.png")
    write_json(out / "attack.json", report)


def print_summary(report: dict) -> None:
    from ..core.formatting import format_confidence

    kind = "targeted" if report["targeted"] else "untargeted"
    print(f"{report['method'].upper()} ({kind}, epsilon {report['epsilon']:g}) on "
          f"{report['n_images']} image(s) with {report['model']}:")
    for item in report["images"][:20]:
        b, a = item["before"][0], item["after"][0]
        mark = "fooled" if item["success"] else "held"
        print(f"  {item['input']:>12}: {b['class_name']} {format_confidence(b['confidence'])}"
              f" → {a['class_name']} {format_confidence(a['confidence'])}  ({mark})")
    if report["n_images"] > 20:
        print(f"  … {report['n_images'] - 20} more")
    line = (f"Success {100 * report['success_rate']:.1f} %, largest change "
            f"{report['max_linf']:.4f} (≤ {report['epsilon']:g})")
    if report["accuracy_before"] is not None:
        line += (f"; accuracy {100 * report['accuracy_before']:.1f} % → "
                 f"{100 * report['accuracy_after']:.1f} %")
    print(line + ".")
