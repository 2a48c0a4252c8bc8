"""A self-contained ``index.html`` for a gallery folder."""

from __future__ import annotations

from html import escape

from ..formatting import format_confidence

_STYLE = """
body{font-family:system-ui,sans-serif;background:#18181c;color:#e8e8e8;margin:2em}
h1{font-weight:600} .meta{color:#aaa;font-size:.9em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px}
figure{margin:0;background:#232329;padding:8px;border-radius:6px}
img{width:100%;image-rendering:pixelated;display:block}
figcaption{font-size:.85em;margin-top:6px} .conf{color:#78c8ff}
"""


def gallery_html(manifest: dict) -> str:
    """The page for ``manifest`` (see :func:`export_gallery`)."""
    rows = []
    for e in manifest["elites"]:
        rows.append(
            f'<figure><a href="{escape(e["file"])}"><img src="{escape(e["file"])}" '
            f'alt="{escape(e["class_name"])}"></a><figcaption>{escape(e["class_name"])}'
            f'<br><span class="conf">{escape(format_confidence(e["confidence"]))}</span>'
            f' · generation {e["generation"]}</figcaption></figure>'
        )
    warning = (" <strong>Random weights: not a trained model.</strong>"
               if manifest.get("random_init") else "")
    title = f'Images {manifest["model_label"]} is sure about'
    origin = manifest.get("seeded_from")
    started = ""
    if origin:
        run = origin["run"]
        started = (f'<p class="meta">Started from the image of “{escape(origin["class_name"])}” '
                   f'({escape(format_confidence(origin["confidence"]))}, found in generation '
                   f'{origin["generation"]}) of a {escape(run["encoding"])} run on '
                   f'{escape(run["model_label"])} with seed {run["seed"]}; genome SHA-256 '
                   f'{escape(origin["genome_sha256"][:16])}…</p>')
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{escape(manifest["encoding"])} encoding · seed {manifest["seed"]} · '
        f'{manifest["generations"]} generations · {manifest["evaluations"]:,} images scored · '
        f'weights SHA-256 {escape(manifest["weights_sha256"][:16] or "none")}…{warning}</p>'
        f"{started}"
        '<p><a href="contact_sheet.png">Contact sheet</a> · '
        '<a href="manifest.json">manifest.json</a></p>'
        f'<div class="grid">{"".join(rows)}</div>'
        '<p class="meta">Made with fooling-gui, after Nguyen, Yosinski &amp; Clune, '
        '"Deep Neural Networks are Easily Fooled" (CVPR 2015).</p></body></html>\n'
    )
