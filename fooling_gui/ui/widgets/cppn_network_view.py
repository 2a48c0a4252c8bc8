"""A drawing of a CPPN: inputs on the left, hidden layers, outputs on the right.

Edges are coloured by the sign of their weight (blue +, red −) and drawn thicker
for larger weights; hidden and output nodes are labelled with their activation.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize

from ...core.encodings.cppn_genome import INPUT_NAMES, CppnGenome, layered_nodes
from .. import theme

SHORT = {"sine": "sin", "sigmoid": "sig", "gaussian": "gau", "linear": "lin"}
OUTPUT_NAMES = {1: ("grey",), 3: ("c1", "c2", "c3")}


def node_positions(genome: CppnGenome) -> dict[int, tuple[float, float]]:
    """Layer index as x, evenly spread rows as y (centred on 0)."""
    pos = {}
    for x, layer in enumerate(layered_nodes(genome)):
        n = len(layer)
        for row, node_id in enumerate(sorted(layer)):
            pos[node_id] = (float(x), (row - (n - 1) / 2.0))
    return pos


class CppnNetworkView(pg.GraphicsLayoutWidget):
    """Draws one genome; call :meth:`show_genome` (``None`` clears)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.viewbox = self.addViewBox(lockAspect=False, invertY=True, enableMenu=False)
        self.viewbox.setMouseEnabled(x=False, y=False)
        self.graph = pg.GraphItem()
        self.viewbox.addItem(self.graph)
        self._labels: list[pg.TextItem] = []

    def sizeHint(self) -> QSize:
        return QSize(300, 200)

    def show_genome(self, genome: CppnGenome | None) -> None:
        for label in self._labels:
            self.viewbox.removeItem(label)
        self._labels = []
        if genome is None or not genome.nodes:
            self.graph.setData(pos=np.zeros((0, 2)), adj=np.zeros((0, 2), dtype=int))
            return
        pos_map = node_positions(genome)
        ids = sorted(pos_map)
        index = {node_id: i for i, node_id in enumerate(ids)}
        pos = np.array([pos_map[i] for i in ids])
        conns = [c for c in genome.connections if c.src in index and c.dst in index]
        adj = np.array([[index[c.src], index[c.dst]] for c in conns], dtype=int).reshape(-1, 2)
        weights = np.array([c.weight for c in conns], dtype=float)
        pens = np.zeros(len(conns), dtype=[("red", np.ubyte), ("green", np.ubyte),
                                           ("blue", np.ubyte), ("alpha", np.ubyte),
                                           ("width", float)])
        positive = weights >= 0
        pens["red"] = np.where(positive, 79, 239)
        pens["green"] = np.where(positive, 163, 107)
        pens["blue"] = np.where(positive, 247, 107)
        pens["alpha"] = 200
        pens["width"] = 0.6 + 2.4 * np.clip(np.abs(weights) / 10.0, 0, 1)
        kinds = {n.id: n.kind for n in genome.nodes}
        brushes = [pg.mkBrush(theme.MUTED if kinds[i] == "input" else
                              theme.GOOD if kinds[i] == "output" else theme.WARN) for i in ids]
        self.graph.setData(pos=pos, adj=adj, pen=pens if len(conns) else None, size=16,
                           symbol="o", symbolBrush=brushes, symbolPen=pg.mkPen(theme.BASE),
                           pxMode=True)
        outputs = genome.output_ids
        out_names = OUTPUT_NAMES.get(len(outputs), tuple(f"o{k}" for k in range(len(outputs))))
        for node in genome.nodes:
            if node.id not in index:
                continue
            if node.kind == "input":
                text, anchor = INPUT_NAMES[node.id] if node.id < len(INPUT_NAMES) else "?", (1.3, 0.5)
            elif node.kind == "output":
                k = outputs.index(node.id)
                text = f"{out_names[k]} · {SHORT.get(node.activation, node.activation)}"
                anchor = (0.5, 1.3)  # above the node: the right edge of the view is tight
            else:
                text, anchor = SHORT.get(node.activation, node.activation or ""), (0.5, -0.6)
            label = pg.TextItem(text, color=theme.TEXT, anchor=anchor)
            label.setPos(*pos_map[node.id])
            self.viewbox.addItem(label)
            self._labels.append(label)
        self.viewbox.autoRange(padding=0.25)
