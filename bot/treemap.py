"""``python -m bot map``: the dialogue trees drawn as a page an admin can read.

One picture per topic, laid out as the person walks it: the entry on the left, each choice
an arrow labelled with what the person reads, each answer a box saying how it ends (asks
whether it helped, shows a contact, offers a person, back to the menu). A way out to another
topic is a dashed box naming it. Self-contained HTML with inline SVG: no script, no network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.dialogue.model import Ending, Node, Topic, TopicKind, Tree

BOX_W, BOX_H, GAP_X, GAP_Y = 230, 58, 110, 22
_ENDINGS = {
    Ending.CHECK: "✓ « Est-ce que cela vous a aidé ? »",
    Ending.REFER: "☎ contact, puis « cela vous a aidé ? »",
    Ending.HANDOVER: "👤 propose une personne",
    Ending.MENU: "↩ retour au menu",
}


@dataclass(frozen=True, slots=True)
class _Box:
    key: str  # node key, or "topic:" / "topic:node" for a way out
    column: int
    row: int
    outside: bool = False


def _layout(tree: Tree, topic: Topic) -> tuple[list[_Box], list[tuple[str, str, str]]]:
    """Boxes by depth from the entry (breadth first) and the edges (from, to, label)."""
    boxes: dict[str, _Box] = {}
    edges: list[tuple[str, str, str]] = []
    rows: dict[int, int] = {}

    def place(key: str, column: int, outside: bool = False) -> None:
        if key not in boxes:
            boxes[key] = _Box(key, column, rows.get(column, 0), outside)
            rows[column] = rows.get(column, 0) + 1

    entry = f"{topic.id}:{topic.entry}"
    place(entry, 0)
    queue = [entry]
    while queue:
        key = queue.pop(0)
        node = tree.node(key)
        for option in node.options if node else ():
            target = tree.resolve(option, topic.id)
            inside = target.startswith(f"{topic.id}:") and tree.node(target) is not None
            edge_target = target if inside else f"out:{key}>{target}"
            if edge_target not in boxes:
                place(edge_target, boxes[key].column + 1, outside=not inside)
                if inside:
                    queue.append(target)
            edges.append((key, edge_target, option.label))
    for node in tree.nodes:  # nodes nothing leads to (check reports them) still appear
        if node.topic == topic.id and node.key not in boxes:
            place(node.key, max(rows, default=0) + 1)
    return list(boxes.values()), edges


def _node_lines(node: Node | None, key: str, tree: Tree) -> tuple[str, str]:
    if node is None:
        target = key.split(">", 1)[1]
        topic = tree.topic(target.split(":", 1)[0])
        return (f"→ {topic.title if topic else target}", target)
    first = " ".join(node.text.split())
    first = first if len(first) <= 38 else first[:36] + "…"
    if node.options:
        how = f"{len(node.options)} choix"
    else:
        topic = tree.topic(node.topic)
        urgent = topic is not None and topic.kind is TopicKind.URGENT
        how = "🚨 numéros d'urgence, une personne en priorité" if urgent else _ENDINGS.get(
            node.ending, "")
    extras = []
    if node.links:
        extras.append(f"🔗 {len(node.links)}")
    if node.contact is not None:
        extras.append(f"☎ {node.contact.name}")
    return (f"{node.id} — {first}", " · ".join([how, *extras]))


def _svg(tree: Tree, topic: Topic) -> str:
    boxes, edges = _layout(tree, topic)
    where = {b.key: b for b in boxes}
    width = (max(b.column for b in boxes) + 1) * (BOX_W + GAP_X)
    height = (max(b.row for b in boxes) + 1) * (BOX_H + GAP_Y) + GAP_Y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(topic.title)}">']

    def x(b: _Box) -> int:
        return 8 + b.column * (BOX_W + GAP_X)

    def y(b: _Box) -> int:
        return GAP_Y + b.row * (BOX_H + GAP_Y)

    for source, target, label in edges:
        a, b = where[source], where[target]
        x1, y1, x2, y2 = x(a) + BOX_W, y(a) + BOX_H // 2, x(b), y(b) + BOX_H // 2
        short = label if len(label) <= 30 else label[:28] + "…"
        parts.append(
            f'<g class="edge" data-from="{html.escape(source)}" '
            f'data-to="{html.escape(target.split(">", 1)[-1])}">'
            f'<path d="M{x1},{y1} C{x1 + 50},{y1} {x2 - 50},{y2} {x2},{y2}"/>'
            f'<text x="{x2 - 4}" y="{y2 - 6}" text-anchor="end">{html.escape(short)}</text></g>')
    for box in boxes:
        node = tree.node(box.key) if not box.outside else None
        title, detail = _node_lines(node, box.key, tree)
        css = "out" if box.outside else "answer" if node and not node.options else "menu"
        data = box.key.split(">", 1)[-1] if box.outside else box.key
        parts.append(
            f'<g class="node {css}" data-node="{html.escape(data)}">'
            f'<rect x="{x(box)}" y="{y(box)}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
            f'<text x="{x(box) + 10}" y="{y(box) + 22}" class="t">{html.escape(title)}</text>'
            f'<text x="{x(box) + 10}" y="{y(box) + 42}" class="d">{html.escape(detail)}</text>'
            f"</g>")
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#1c1c28;background:#fbfbfd}
h1{font-size:22px}h2{font-size:18px;margin:28px 0 4px}p.k{color:#555;margin:0 0 8px}
section{overflow-x:auto;border-top:1px solid #ddd}
.node rect{fill:#fff;stroke:#2a6fdb;stroke-width:1.5}.node.answer rect{fill:#eef6ee;stroke:#2e8b57}
.node.out rect{fill:#fff;stroke:#999;stroke-dasharray:5 4}
.node text.t{font-size:12px;font-weight:600}.node text.d{font-size:11px;fill:#444}
.edge path{fill:none;stroke:#8892b0;stroke-width:1.3}.edge text{font-size:10.5px;fill:#333}
"""


def render_map(tree: Tree) -> str:
    """The whole page: a legend, then one picture per topic in menu order."""
    topics = sorted(tree.topics, key=lambda t: (not t.in_menu, t.order, t.title))
    sections = []
    for topic in topics:
        keywords = ", ".join(topic.keywords[:8])
        sections.append(
            f'<section data-topic="{html.escape(topic.id)}"><h2>{html.escape(topic.title)}</h2>'
            f'<p class="k">{html.escape(topic.id)} · mots-clés : {html.escape(keywords)}'
            f" · {len(topic.examples)} exemples</p>{_svg(tree, topic)}</section>")
    nodes = len(tree.nodes)
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>Relais — carte des dialogues</title><style>{_STYLE}</style></head><body>"
            f"<h1>Carte des dialogues : {len(tree.topics)} sujets, {nodes} nœuds</h1>"
            "<p>Bleu : un menu. Vert : une réponse, et comment elle finit. Pointillés : vers "
            "un autre sujet. Flèches : le choix que la personne lit.</p>"
            f'{"".join(sections)}</body></html>')
