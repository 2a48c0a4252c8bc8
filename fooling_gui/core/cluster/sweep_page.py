"""The sweep folder's ``index.html``: the summary table, the transfer matrix and every
run's contact sheet, linking to the run's own gallery page."""

from __future__ import annotations

from html import escape

from ..formatting import format_confidence

_STYLE = """
body{font-family:system-ui,sans-serif;background:#18181c;color:#e8e8e8;margin:2em}
h1,h2{font-weight:600} .meta{color:#aaa;font-size:.9em} a{color:#78c8ff}
table{border-collapse:collapse;font-size:.85em;margin-bottom:1.5em}
th,td{padding:4px 8px;border-bottom:1px solid #333;text-align:left;white-space:nowrap}
th{color:#bbb;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
.done{color:#8fd18f} .failed{color:#ff8c8c} .pending{color:#d8c070}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
.scroll{overflow-x:auto;max-width:100%}
figure{margin:0;background:#232329;padding:8px;border-radius:6px}
figure img{width:100%;display:block} figcaption{font-size:.85em;margin-top:6px}
"""


def _conf(value) -> str:
    return "—" if value is None else format_confidence(value)


def _heat(value) -> str:
    """A cell colour from dark (0) to blue (1)."""
    if value is None:
        return ""
    v = max(0.0, min(1.0, float(value)))
    return f' style="background:rgba(70,150,230,{0.12 + 0.6 * v:.2f})"'


def _settings(row: dict) -> str:
    s = row.get("settings") or {}
    return ", ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in s.items())


def _summary_table(rows: list[dict]) -> str:
    head = ("run", "status", "model", "encoding", "seed", "generations", "classes", "preset",
            "settings", "cells", "min", "median", "≥ 99.99 %", "images", "time", "node")
    body = []
    for r in rows:
        status = r.get("status", "pending")
        link = (f'<a href="#{escape(r["run_id"])}">{escape(r["run_id"])}</a>'
                if status == "done" else escape(r["run_id"]))
        preset = r.get("preset", "")
        if r.get("variant") and r.get("variant") != preset:
            preset = f'{r["variant"]} ({preset})'
        cells = [link, f'<span class="{escape(status)}">{escape(status)}</span>',
                 escape(r.get("model_label") or r.get("model", "")), escape(r.get("encoding", "")),
                 str(r.get("seed", "")), str(r.get("generations", "")),
                 escape(str(r.get("classes", ""))), escape(preset), escape(_settings(r))]
        nums = [str(r.get("cells", "")), _conf(r.get("min_confidence")),
                _conf(r.get("median_confidence")), str(r.get("at_least_99_99", "")),
                f'{r["evaluations"]:,}' if r.get("evaluations") is not None else "",
                f'{r["wall_seconds"]:.1f} s' if r.get("wall_seconds") is not None else "",
                ]
        tail = escape(r.get("node") or "")
        if status == "failed":
            tail = f'<span class="failed">{escape(r.get("error", ""))}</span>'
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells)
                    + "".join(f'<td class="num">{c}</td>' for c in nums)
                    + f"<td>{tail}</td></tr>")
    return ('<div class="scroll"><table><tr>' + "".join(f"<th>{escape(h)}</th>" for h in head)
            + "</tr>" + "".join(body) + "</table></div>")


def _transfer_tables(transfer: dict) -> str:
    models = transfer.get("models", [])
    labels = transfer.get("model_labels", {})
    by = {(c["run_id"], c["model"]): c for c in transfer.get("cells", [])}
    head = "".join(f"<th>{escape(labels.get(m, m))}</th>" for m in models)
    rows = []
    for run_id in transfer.get("runs", []):
        tds = []
        for m in models:
            c = by.get((run_id, m), {})
            v = c.get("mean_confidence")
            title = (f' title="{c.get("top1", 0):.0%} top-1, {c.get("at_99", 0):.0%} at ≥ 99 %"'
                     if v is not None else "")
            text = _conf(v) if v is not None else escape(c.get("note", "—"))
            tds.append(f'<td class="num"{_heat(v)}{title}>{text}</td>')
        rows.append(f"<tr><td>{escape(run_id)}</td>{''.join(tds)}</tr>")
    grid = transfer.get("by_model", {})
    agg = []
    for src in models:
        tds = "".join(f'<td class="num"{_heat(grid.get(src, {}).get(t))}>'
                      f'{_conf(grid.get(src, {}).get(t))}</td>' for t in models)
        agg.append(f"<tr><td>{escape(labels.get(src, src))}</td>{tds}</tr>")
    return (
        "<h2>Transfer</h2><p class=\"meta\">Mean probability each model gives the class an "
        "image was evolved for (each run's images are scored as its own model scored them: "
        "ten crops or the centre). The diagonal repeats the evolved confidence.</p>"
        f"<table><tr><th>evolved against ↓ · scored by →</th>{head}</tr>{''.join(agg)}</table>"
        f'<div class="scroll"><table><tr><th>run</th>{head}</tr>{"".join(rows)}</table></div>')


def _galleries(rows: list[dict]) -> str:
    figs = []
    for r in rows:
        if r.get("status") != "done":
            continue
        rid = escape(r["run_id"])
        figs.append(
            f'<figure id="{rid}"><a href="runs/{rid}/index.html"><img loading="lazy" '
            f'src="runs/{rid}/contact_sheet.png" alt="{rid}"></a><figcaption>'
            f'<a href="runs/{rid}/index.html">{rid}</a> · median '
            f'{_conf(r.get("median_confidence"))} · {r.get("at_least_99_99", 0)} of '
            f'{r.get("cells", 0)} at ≥ 99.99 %</figcaption></figure>')
    return f'<h2>Galleries</h2><div class="grid">{"".join(figs)}</div>' if figs else ""


def sweep_html(meta: dict, rows: list[dict], transfer: dict | None) -> str:
    """The whole page."""
    total, done = meta.get("runs_total", len(rows)), meta.get("runs_done", 0)
    failed = meta.get("runs_failed", 0)
    state = f"{done} of {total} runs finished"
    if failed:
        state += f", {failed} failed"
    if done + failed < total:
        state += " (run the same sweep command again to continue)"
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Sweep: {total} runs</title><style>{_STYLE}</style></head><body>"
        f"<h1>Sweep: {total} runs</h1>"
        f'<p class="meta">{escape(state)} · updated {escape(meta.get("updated", ""))} · '
        f'{escape(meta.get("software", ""))} · <a href="summary.csv">summary.csv</a> · '
        '<a href="summary.json">summary.json</a>'
        + (' · <a href="transfer.csv">transfer.csv</a>' if transfer else "") + "</p>"
        + _summary_table(rows)
        + (_transfer_tables(transfer) if transfer and transfer.get("runs") else "")
        + _galleries(rows)
        + '<p class="meta">Made with fooling-gui, after Nguyen, Yosinski &amp; Clune, '
        '"Deep Neural Networks are Easily Fooled" (CVPR 2015).</p></body></html>\n')
