"""Pictures and files of an actor network: PNG/SVG, one offline HTML page, GraphML, GEXF, JSON."""
from __future__ import annotations

__all__ = ["FORMATS", "KIND_COLOURS", "format_of", "layout", "draw_png", "write_html",
           "write_graphml", "write_gexf", "write_json", "write_network"]

import html
import json
import math
import os
import tempfile
import textwrap
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import networkx as nx

from .errors import DkgError, InputError

#: Output formats, by the file extension that selects them.
FORMATS = ("png", "svg", "html", "graphml", "gexf", "json")

#: Node colour of each actor kind (no reds or greens: those are for the acts).
KIND_COLOURS = {
    "state": "#3b6fb6", "government": "#8e6cc0", "organization": "#a0785a",
    "person": "#e0913a", "media": "#4fb3c8", "group": "#d67fb8", "other": "#8c8c8c",
}

_SPEAKS_COLOUR = "#5a4fa0"
_MEMBER_COLOUR = "#a6a6a6"
#: Goldstein weight -> colour: conflict red, neutral grey, cooperation green, as
#: (position on the -10..+10 scale mapped to 0..1, colour); steep near zero.
_SCALE = ((0.0, "#7f0010"), (0.3, "#d7301f"), (0.42, "#ee7b30"), (0.5, "#8f8f8f"),
          (0.58, "#66b84a"), (0.7, "#2e9a48"), (1.0, "#00441b"))
#: Layout length of an act edge, relative to membership and spokesman links.
_ACT_LENGTH = 2.6
_PLAIN = (str, int, float)


# --------------------------------------------------------------------------- files

def format_of(path: str | os.PathLike, fmt: str | None = None) -> str:
    """Which output format a file name asks for (``fmt`` wins when given).

    Examples
    --------
    >>> format_of("net.GraphML")
    'graphml'
    """
    name = (fmt or Path(path).suffix.lstrip(".")).lower()
    name = {"htm": "html", "xml": "graphml"}.get(name, name)
    if name not in FORMATS:
        raise InputError(f"unknown network format {name or Path(path).name!r} "
                         f"(use one of: {', '.join(FORMATS)})")
    return name


@contextmanager
def _atomic(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only once fully written."""
    path = Path(path)
    if not path.parent.is_dir():
        raise DkgError(f"{path.parent}: no such directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_plain(G: nx.MultiDiGraph) -> None:
    """Raise if an attribute is not a str, int or float (GraphML and GEXF need that)."""
    items = [("graph", k, v) for k, v in G.graph.items()]
    items += [(f"node {n}", k, v) for n, d in G.nodes(data=True) for k, v in d.items()]
    items += [(f"edge {u}->{v}", k, x) for u, v, d in G.edges(data=True) for k, x in d.items()]
    for where, key, value in items:
        if not isinstance(value, _PLAIN) or isinstance(value, bool):
            raise DkgError(f"{where}: attribute {key!r} is a {type(value).__name__}, "
                           "not a str, int or float")


def write_graphml(G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
    """Write the network as GraphML (typed attributes), atomically."""
    _check_plain(G)
    with _atomic(path) as tmp:
        nx.write_graphml(G, tmp, encoding="utf-8", prettyprint=True)


def write_gexf(G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
    """Write the network as GEXF 1.2 (for Gephi), atomically."""
    _check_plain(G)
    H = G.copy()
    for u, v, k, d in H.edges(keys=True, data=True):
        d["id"] = k  # unique across the graph, so Gephi keeps parallel edges apart
    with _atomic(path) as tmp:
        nx.write_gexf(H, tmp, encoding="utf-8", prettyprint=True, version="1.2draft")


def write_json(G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
    """Write the network as node-link JSON (``nodes``, ``edges``), atomically."""
    _check_plain(G)
    data = nx.node_link_data(G, edges="edges")
    with _atomic(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_network(G: nx.MultiDiGraph, path: str | os.PathLike, *, fmt: str | None = None,
                  title: str | None = None) -> str:
    """Write the network in the format asked for (or implied by the extension).

    Returns
    -------
    str
        The format written.
    """
    fmt = format_of(path, fmt)
    if fmt in ("png", "svg"):
        draw_png(G, path, title=title, fmt=fmt)
    elif fmt == "html":
        write_html(G, path, title=title)
    else:
        {"graphml": write_graphml, "gexf": write_gexf, "json": write_json}[fmt](G, path)
    return fmt


# --------------------------------------------------------------------------- layout

def layout(G: nx.MultiDiGraph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Where each actor goes: positions in the unit square, the same on every run.

    Each connected part is laid out on its own (Kamada-Kawai; spring layout with
    ``seed`` for big parts), then the parts are packed in rows, biggest first.

    Examples
    --------
    >>> layout(nx.MultiDiGraph([("a", "b")]))["a"] != layout(nx.MultiDiGraph([("a", "b")]))["b"]
    True
    """
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        length = _ACT_LENGTH if d.get("kind", "act") == "act" else 1.0
        if u != v and (not H.has_edge(u, v) or H[u][v]["length"] > length):
            H.add_edge(u, v, length=length)
    parts = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c))
    boxes = []  # (side, {node: (x, y) in [0, side]})
    for nodes in parts:
        side = math.sqrt(len(nodes))
        if len(nodes) == 1:
            boxes.append((1.0, {nodes[0]: (0.5, 0.5)}))
            continue
        sub = H.subgraph(nodes)
        if len(nodes) <= 2:
            pos = {nodes[0]: (0.0, 0.0), nodes[1]: (1.0, 0.0)}
        elif len(nodes) <= 300:
            start = nx.spring_layout(sub, seed=seed)
            pos = nx.kamada_kawai_layout(sub, pos=start, weight="length")
        else:
            pos = nx.spring_layout(sub, seed=seed, k=2 / math.sqrt(len(nodes)), iterations=100)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        margin = 0.5
        scale = (side + 1 - 2 * margin) / span
        boxes.append((side + 1, {n: (margin + (p[0] - min(xs)) * scale,
                                     margin + (p[1] - min(ys)) * scale)
                                 for n, p in pos.items()}))
    # shelf packing, rows about 4:3 wide
    width = max(max((b[0] for b in boxes), default=1.0),
                math.sqrt(sum(b[0] ** 2 for b in boxes) * 4 / 3))
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for side, pos in boxes:
        if x + side > width + 1e-9 and x > 0:
            x, y, row_h = 0.0, y + row_h, 0.0
        for n, (px, py) in pos.items():
            placed[n] = (x + px, -(y + side - py))  # rows go downwards
        x += side
        row_h = max(row_h, side)
    if not placed:
        return {}
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    w = (max(xs) - min(xs)) or 1.0
    h = (max(ys) - min(ys)) or 1.0
    return {n: (round((p[0] - min(xs)) / w, 6) if len(xs) > 1 else 0.5,
                round((p[1] - min(ys)) / h, 6) if len(ys) > 1 else 0.5)
            for n, p in placed.items()}


def _curvatures(G: nx.MultiDiGraph) -> dict[tuple, float]:
    """A bend for each edge (by key) so parallel edges between two actors fan out."""
    by_pair: dict[tuple, list[tuple]] = {}
    for u, v, k in sorted(G.edges(keys=True)):
        by_pair.setdefault(tuple(sorted((u, v))), []).append((u, v, k))
    bends = {}
    for (a, _b), edges in by_pair.items():
        n = len(edges)
        for i, (u, v, k) in enumerate(edges):
            offset = 0.0 if n == 1 else (i - (n - 1) / 2) * 0.22
            bends[(u, v, k)] = offset if u == a else -offset
    return bends


def _goldstein_colour(weight: float) -> str:
    """The colour of a Goldstein weight on the red-grey-green scale, as ``#rrggbb``."""
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    cmap = LinearSegmentedColormap.from_list("goldstein", _SCALE)
    return to_hex(cmap((max(-10.0, min(10.0, weight)) + 10) / 20))


def _title(G: nx.MultiDiGraph, title: str | None) -> str:
    return title or str(G.graph.get("title") or "Actor network")


def _summary(G: nx.MultiDiGraph) -> str:
    acts = sum(d["count"] for _, _, d in G.edges(data=True) if d.get("kind") == "act")
    parts = [f"{G.number_of_nodes()} actors", f"{acts} acts between them"]
    if G.graph.get("act_types"):
        parts.append("types: " + str(G.graph["act_types"]).replace(",", ", "))
    if G.graph.get("fold_persons"):
        parts.append("persons folded into their state")
    return " · ".join(parts)


# --------------------------------------------------------------------------- picture

def _node_size(degree: int) -> float:
    """Marker area (points squared) of a node with this many acts."""
    return min(280.0 + 110.0 * degree, 1500.0)


def _overlap(a, b) -> float:
    """Overlap area of two boxes given as (centre x, centre y, width, height)."""
    dx = (a[2] + b[2]) / 2 - abs(a[0] - b[0])
    dy = (a[3] + b[3]) / 2 - abs(a[1] - b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _inside(box, frame) -> bool:
    x0, y0, x1, y1 = frame
    return (x0 <= box[0] - box[2] / 2 and box[0] + box[2] / 2 <= x1
            and y0 <= box[1] - box[3] / 2 and box[1] + box[3] / 2 <= y1)


def _place(size, candidates, taken, points, frame):
    """The candidate centre where a box of ``size`` hides least of what is drawn.

    ``taken`` are boxes already there (labels, nodes), ``points`` sample points
    along the arrows; earlier candidates are preferred when costs tie.
    """
    w, h = size
    best, best_cost = None, math.inf
    for rank, (cx, cy) in enumerate(candidates):
        box = (cx, cy, w, h)
        cost = 4.0 * rank + (0.0 if _inside(box, frame) else 1e7)
        cost += sum(_overlap(box, t) for t in taken) * 3
        cost += 40.0 * sum(1 for px, py in points
                           if abs(px - cx) < w / 2 and abs(py - cy) < h / 2)
        if cost < best_cost:
            best, best_cost = box, cost
    return best


def _around(x, y, r, w, h, gap=3.0):
    """Label centres around a node at (x, y) of radius r: below first, then the rest."""
    d = r + gap
    return [(x, y - d - h / 2), (x, y + d + h / 2), (x + d + w / 2, y), (x - d - w / 2, y),
            (x + d * 0.75 + w / 2, y - d * 0.75 - h / 2), (x - d * 0.75 - w / 2, y - d * 0.75 - h / 2),
            (x + d * 0.75 + w / 2, y + d * 0.75 + h / 2), (x - d * 0.75 - w / 2, y + d * 0.75 + h / 2),
            (x, y - d - h * 1.6), (x, y + d + h * 1.6), (x + d + w * 0.9, y - h),
            (x - d - w * 0.9, y - h)]


def _bezier(p0, c, p1, t: float) -> tuple[float, float]:
    """Point at ``t`` of the quadratic Bezier curve p0 -> p1 with control point c."""
    return ((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t ** 2 * p1[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t ** 2 * p1[1])


def draw_png(G: nx.MultiDiGraph, path: str | os.PathLike, *, title: str | None = None,
             size: tuple[int, int] = (1200, 900), fmt: str = "png", seed: int = 7) -> None:
    """Draw the network as a PNG or SVG picture, the same bytes on every run.

    Actors are dots coloured by kind and sized by activity; acts are arrows
    agent -> addressee coloured by Goldstein weight (conflict red, cooperation
    green) and labelled with their type; "speaks for" links are dotted, membership
    links dashed grey. Labels are pushed apart so that they do not overlap.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A network from :func:`kg.network.actor_network`; not modified.
    path : path
        Output file, written atomically.
    title : str, optional
        Heading; by default the network's ``title`` (article title or corpus).
    size : (int, int)
        Width and height in pixels.
    fmt : {"png", "svg"}
    seed : int
        Seed of the layout.
    """
    if fmt not in ("png", "svg"):
        raise InputError(f"cannot draw {fmt!r}: use png or svg")
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    width, height = size
    dpi = 100
    big = G.number_of_nodes() > 60
    font = 7.5 if big else 9.5
    with matplotlib.rc_context({"svg.hashsalt": "dkg", "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.02, 0.75, 0.86))
        ax.set_axis_off()
        ax.set_xlim(-0.07, 1.07)
        ax.set_ylim(-0.09, 1.07)
        fig.text(0.012, 0.965, textwrap.shorten(_title(G, title), 110), fontsize=15,
                 fontweight="bold", va="center")
        fig.text(0.012, 0.928, _summary(G) + " · arrows run from actor to addressee",
                 fontsize=10, color="#555555", va="center")
        cmap = LinearSegmentedColormap.from_list("goldstein", _SCALE)
        norm = Normalize(-10, 10)

        pos = layout(G, seed=seed)
        shrink = min(1.0, 40 / max(G.number_of_nodes(), 1)) ** 0.7  # smaller dots when many
        sizes = {n: _node_size(int(d.get("degree", 0))) * shrink for n, d in G.nodes(data=True)}
        radius_pt = {n: math.sqrt(s) / 2 for n, s in sizes.items()}
        to_px = ax.transData.transform
        bends = _curvatures(G)

        # edges: membership under spokesman links under acts
        order = {"membership": 0, "speaks_for": 1, "act": 2}
        curves, edge_labels = [], []
        for u, v, k, d in sorted(G.edges(keys=True, data=True),
                                 key=lambda e: (order.get(e[3].get("kind"), 2), e[2])):
            if u == v:
                continue
            kind = d.get("kind", "act")
            rad = bends[(u, v, k)]
            if kind == "membership":
                style = dict(color=_MEMBER_COLOUR, linestyle=(0, (4, 3)), linewidth=1.2,
                             arrowstyle="-|>", mutation_scale=9, zorder=1)
            elif kind == "speaks_for":
                style = dict(color=_SPEAKS_COLOUR, linestyle=(0, (1, 2)), linewidth=1.8,
                             arrowstyle="-|>", mutation_scale=12, zorder=2)
            else:
                style = dict(color=cmap(norm(float(d.get("goldstein", 0.0)))),
                             linewidth=min(2.0 + 0.9 * (int(d.get("count", 1)) - 1), 7.0),
                             arrowstyle="-|>", mutation_scale=16, zorder=2.5)
            ax.add_patch(FancyArrowPatch(
                pos[u], pos[v], connectionstyle=f"arc3,rad={rad}",
                shrinkA=radius_pt[u] + 1, shrinkB=radius_pt[v] + 2, **style))
            (x1, y1), (x2, y2) = to_px(pos[u]), to_px(pos[v])
            control = ((x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1))
            curves.append(((x1, y1), control, (x2, y2)))
            if kind == "act":
                text = str(d.get("act_type", ""))
                if int(d.get("count", 1)) > 1:
                    text += f" ×{d['count']}"
                edge_labels.append((curves[-1], text, style["color"]))

        for kind, colour in KIND_COLOURS.items():
            nodes = [n for n in sorted(G.nodes) if G.nodes[n].get("kind") == kind]
            if nodes:
                ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes],
                           s=[sizes[n] for n in nodes], c=colour, edgecolors="white",
                           linewidths=1.5, zorder=3)

        renderer = canvas.get_renderer()
        px_per_pt = dpi / 72
        frame = tuple(ax.get_window_extent(renderer).extents)
        inverse = ax.transData.inverted()
        radius_px = {n: radius_pt[n] * px_per_pt for n in G.nodes}
        taken = [(*to_px(pos[n]), 2 * radius_px[n] + 2, 2 * radius_px[n] + 2) for n in G.nodes]
        points = [_bezier(*c, t / 24) for c in curves for t in range(3, 22)]

        # act labels on their arrows, slid along the arrow when two would collide
        if len(edge_labels) <= 40:
            for curve, text, colour in edge_labels:
                t = ax.text(0, 0, text, fontsize=font - 1.5, color=colour, ha="center",
                            va="center", zorder=4, fontweight="bold",
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                      alpha=0.85))
                bb = t.get_window_extent(renderer)
                spots = [_bezier(*curve, f) for f in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73)]
                box = _place((bb.width + 2, bb.height + 2), spots, taken, [], frame)
                t.set_position(inverse.transform(box[:2]))
                taken.append(box)

        # actor labels, most active first (at most 60 on a big network), where they
        # hide the fewest labels, dots and arrows
        ranked = sorted(G.nodes, key=lambda n: (-int(G.nodes[n].get("degree", 0)), n))
        for n in (ranked[:60] if big else ranked):
            label = "\n".join(textwrap.wrap(str(G.nodes[n].get("label", n)), 18)) or n
            t = ax.text(0, 0, label, fontsize=font, ha="center", va="center", zorder=5,
                        color="#1a1a1a", linespacing=1.05,
                        bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
            bb = t.get_window_extent(renderer)
            w, h = bb.width + 2, bb.height + 2
            x, y = to_px(pos[n])
            box = _place((w, h), _around(x, y, radius_px[n], w, h), taken, points, frame)
            t.set_position(inverse.transform(box[:2]))
            taken.append(box)

        # legend: act types by weight, link styles, actor kinds, colour scale
        lax = fig.add_axes((0.775, 0.16, 0.215, 0.74))
        lax.set_axis_off()
        types = {}
        for _, _, d in G.edges(data=True):
            if d.get("kind") == "act":
                types.setdefault(str(d["act_type"]), float(d.get("goldstein", 0.0)))
        handles = [Line2D([], [], color=cmap(norm(w)), linewidth=2.5,
                          label=f"{name} ({w:+g})")
                   for name, w in sorted(types.items(), key=lambda t: (-t[1], t[0]))]
        handles += [Line2D([], [], color=_SPEAKS_COLOUR, linestyle=(0, (1, 2)), linewidth=1.8,
                           label="speaks for (via)"),
                    Line2D([], [], color=_MEMBER_COLOUR, linestyle=(0, (4, 3)),
                           linewidth=1.2, label="member of")]
        first = lax.legend(handles=handles, loc="upper left", title="Acts (Goldstein weight)",
                           fontsize=font, title_fontsize=font + 0.5, frameon=False,
                           alignment="left")
        lax.add_artist(first)
        kinds = [k for k in KIND_COLOURS if any(d.get("kind") == k for _, d in G.nodes(data=True))]
        lax.legend(handles=[Line2D([], [], marker="o", linestyle="", markersize=9,
                                   markerfacecolor=KIND_COLOURS[k], markeredgecolor="white",
                                   label=k) for k in kinds],
                   loc="lower left", title="Actors (size: activity)", fontsize=font,
                   title_fontsize=font + 0.5, frameon=False, alignment="left")
        cax = fig.add_axes((0.79, 0.075, 0.18, 0.022))
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax,
                           orientation="horizontal", ticks=[-10, -5, 0, 5, 10])
        bar.ax.tick_params(labelsize=font - 1)
        bar.set_label("conflict  ←  Goldstein  →  cooperation", fontsize=font - 0.5)

        with _atomic(path) as tmp:
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(tmp, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)


# --------------------------------------------------------------------------- HTML

def _vis_network() -> tuple[str, str]:
    """The vis-network library (JS and CSS) as bundled by the installed pyvis package."""
    from importlib import resources

    try:
        lib = resources.files("pyvis") / "templates" / "lib"
    except ModuleNotFoundError as exc:
        raise DkgError("the interactive HTML needs the pyvis package (pip install pyvis)") from exc

    def version(entry) -> tuple[int, ...]:
        return tuple(int(p) for p in entry.name[4:].split(".") if p.isdigit())

    dirs = sorted((d for d in lib.iterdir() if d.name.startswith("vis-")), key=version)
    for d in reversed(dirs):
        js, css = d / "vis-network.min.js", d / "vis-network.css"
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise DkgError("the installed pyvis package has no bundled vis-network library")


def _script_safe(text: str) -> str:
    """``text`` that cannot close the ``<script>`` or ``<style>`` element it is put in."""
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def _json_for_script(data) -> str:
    return (json.dumps(data, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_data(G: nx.MultiDiGraph, seed: int) -> dict:
    """Nodes and edges in vis-network's terms, positions from :func:`layout`."""
    pos = layout(G, seed=seed)
    span = 500 + 60 * math.sqrt(G.number_of_nodes())
    nodes = []
    for n in sorted(G.nodes):
        d = G.nodes[n]
        kind = str(d.get("kind", "other"))
        info = {"Actor": d.get("label", n), "Kind": kind, "State": d.get("state", ""),
                "Role": d.get("role", ""), "Acts done": d.get("acts", 0),
                "Acts and links": d.get("degree", 0), "Folded in": d.get("folded", 0),
                "IRI": d.get("iri", "")}
        nodes.append({
            "id": n, "label": "\n".join(textwrap.wrap(str(d.get("label", n)), 22)),
            "x": round(pos[n][0] * span * 4 / 3, 1), "y": round((1 - pos[n][1]) * span, 1),
            "size": round(10 + 5 * math.sqrt(int(d.get("degree", 0))), 1),
            "color": {"background": KIND_COLOURS.get(kind, KIND_COLOURS["other"]),
                      "border": "#ffffff",
                      "highlight": {"background": KIND_COLOURS.get(kind, "#8c8c8c"),
                                    "border": "#222222"}},
            "title": "\n".join(f"{k}: {v}" for k, v in info.items()
                                if v not in ("", 0) and k != "IRI"),
            "info": {k: v for k, v in info.items() if v not in ("", 0)},
        })
    bends = _curvatures(G)
    edges = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True)):
        kind = str(d.get("kind", "act"))
        bend = bends[(u, v, k)]
        smooth = ({"enabled": False} if bend == 0 else
                  {"enabled": True, "type": "curvedCCW" if bend > 0 else "curvedCW",
                   "roundness": round(min(abs(bend) * 1.2, 0.9), 3)})
        source, target = G.nodes[u].get("label", u), G.nodes[v].get("label", v)
        if kind == "act":
            colour = _goldstein_colour(float(d.get("goldstein", 0.0)))
            what = str(d.get("act_type", ""))
            info = {"Act": what, "From": source, "To": target, "Count": d.get("count", 1),
                    "Goldstein": d.get("goldstein", 0.0), "About": d.get("content", ""),
                    "Quote": d.get("quote", ""), "Sentence": d.get("sentence", ""),
                    "Articles": d.get("articles", ""), "Acts": d.get("acts", "")}
            label = what + (f" ×{d['count']}" if int(d.get("count", 1)) > 1 else "")
            extra = {"width": min(2 + 0.9 * (int(d.get("count", 1)) - 1), 7)}
        elif kind == "speaks_for":
            colour = _SPEAKS_COLOUR
            info = {"Link": "speaks for", "From": source, "To": target,
                    "Count": d.get("count", 1), "Sentence": d.get("sentence", ""),
                    "Acts": d.get("acts", "")}
            label, extra = "speaks for", {"width": 1.5, "dashes": [2, 4]}
        else:
            colour = _MEMBER_COLOUR
            info = {"Link": "member of", "From": source, "To": target}
            label, extra = "", {"width": 1, "dashes": [6, 5]}
        info = {k2: v2 for k2, v2 in info.items() if v2 not in ("", None)}
        edges.append({"id": k, "from": u, "to": v, "label": label, "smooth": smooth,
                      "color": {"color": colour, "highlight": colour, "hover": colour},
                      "font": {"color": colour if kind != "membership" else "#777777"},
                      "title": "\n".join(f"{a}: {b}" for a, b in info.items()
                                          if a not in ("Acts", "Articles")),
                      "info": info, **extra})
    return {"nodes": nodes, "edges": edges}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{vis_css}</style>
<style>
  html, body {{ margin: 0; height: 100%; font-family: system-ui, sans-serif; color: #1a1a1a; }}
  body {{ display: flex; flex-direction: column; }}
  header {{ padding: 10px 16px 6px; border-bottom: 1px solid #ddd; }}
  header h1 {{ font-size: 18px; margin: 0 0 2px; }}
  header p {{ font-size: 13px; margin: 0; color: #555; }}
  main {{ flex: 1; display: flex; min-height: 0; }}
  #network {{ flex: 1; min-width: 0; }}
  aside {{ width: 320px; padding: 10px 14px; border-left: 1px solid #ddd; overflow-y: auto;
          font-size: 13px; }}
  aside h2 {{ font-size: 14px; margin: 12px 0 6px; }}
  #details dt {{ font-weight: 600; margin-top: 6px; }}
  #details dd {{ margin: 0 0 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; }}
  .key {{ display: flex; align-items: center; gap: 8px; margin: 3px 0; }}
  .swatch {{ width: 26px; height: 0; border-top: 3px solid; }}
  .dot {{ width: 12px; height: 12px; border-radius: 50%; }}
  .scale {{ height: 10px; border-radius: 3px; background: linear-gradient(to right, {gradient}); }}
  .ends {{ display: flex; justify-content: space-between; font-size: 11px; color: #555; }}
  div.vis-tooltip {{ white-space: pre-wrap; max-width: 420px; font-size: 12px; }}
</style>
</head>
<body>
<header><h1>{title}</h1><p>{summary} · drag to move, scroll to zoom,
hover or click an arrow for the act, its quote and sentence</p></header>
<main>
<div id="network"></div>
<aside>
  <h2>Details</h2>
  <div id="details"><p>Hover or click an actor or an arrow.</p></div>
  <h2>Acts (Goldstein weight)</h2>
  <div id="acts"></div>
  <div class="scale"></div>
  <div class="ends"><span>conflict −10</span><span>0</span><span>+10 cooperation</span></div>
  <h2>Actors</h2>
  <div id="kinds"></div>
</aside>
</main>
<script>{vis_js}</script>
<script>
"use strict";
const DATA = {data};
const LEGEND = {legend};
function show(info) {{
  const box = document.getElementById("details");
  box.replaceChildren();
  const dl = document.createElement("dl");
  for (const [key, value] of Object.entries(info)) {{
    const dt = document.createElement("dt"); dt.textContent = key;
    const dd = document.createElement("dd"); dd.textContent = String(value);
    dl.append(dt, dd);
  }}
  box.append(dl);
}}
function key(container, colour, text, kind) {{
  const row = document.createElement("div"); row.className = "key";
  const mark = document.createElement("span");
  if (kind === "dot") {{ mark.className = "dot"; mark.style.background = colour; }}
  else {{ mark.className = "swatch"; mark.style.borderTopColor = colour;
         mark.style.borderTopStyle = kind; }}
  const label = document.createElement("span"); label.textContent = text;
  row.append(mark, label); container.append(row);
}}
for (const [text, colour, style] of LEGEND.acts) key(document.getElementById("acts"), colour, text, style);
for (const [text, colour] of LEGEND.kinds) key(document.getElementById("kinds"), colour, text, "dot");
const nodes = new vis.DataSet(DATA.nodes);
const edges = new vis.DataSet(DATA.edges);
const network = new vis.Network(document.getElementById("network"), {{nodes, edges}}, {{
  physics: false,
  interaction: {{hover: true, tooltipDelay: 120, multiselect: false, navigationButtons: false}},
  nodes: {{shape: "dot", borderWidth: 2, font: {{size: 18, strokeWidth: 5, strokeColor: "#ffffff"}}}},
  edges: {{arrows: {{to: {{enabled: true, scaleFactor: 0.7}}}}, selectionWidth: 2,
          font: {{size: 15, strokeWidth: 5, strokeColor: "#ffffff", align: "middle"}}}},
}});
network.on("hoverEdge", (e) => show(edges.get(e.edge).info));
network.on("hoverNode", (e) => show(nodes.get(e.node).info));
network.on("click", (e) => {{
  if (e.nodes.length) show(nodes.get(e.nodes[0]).info);
  else if (e.edges.length) show(edges.get(e.edges[0]).info);
}});
network.once("afterDrawing", () => {{ network.fit(); document.body.dataset.drawn = "yes"; }});
window.addEventListener("resize", () => network.fit());
</script>
</body>
</html>
"""


def write_html(G: nx.MultiDiGraph, path: str | os.PathLike, *, title: str | None = None,
               seed: int = 7) -> None:
    """Write the network as one self-contained interactive HTML page, atomically.

    The page works offline: the vis-network library is inlined from the copy the
    pyvis package bundles, so it references nothing on the web. Actors can be
    dragged, the view zoomed; hovering or clicking an arrow shows the act type,
    quote and sentence.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A network from :func:`kg.network.actor_network`; not modified.
    path : path
        Output file.
    title : str, optional
        Heading; by default the network's ``title``.
    seed : int
        Seed of the starting layout.
    """
    vis_js, vis_css = _vis_network()
    types = {}
    for _, _, d in G.edges(data=True):
        if d.get("kind") == "act":
            types.setdefault(str(d["act_type"]), float(d.get("goldstein", 0.0)))
    acts = [[f"{name} ({w:+g})", _goldstein_colour(w), "solid"]
            for name, w in sorted(types.items(), key=lambda t: (-t[1], t[0]))]
    acts += [["speaks for (via)", _SPEAKS_COLOUR, "dotted"],
             ["member of", _MEMBER_COLOUR, "dashed"]]
    kinds = [[k, c] for k, c in KIND_COLOURS.items()
             if any(d.get("kind") == k for _, d in G.nodes(data=True))]
    page = _PAGE.format(
        title=html.escape(_title(G, title)), summary=html.escape(_summary(G)),
        vis_css=_script_safe(vis_css), vis_js=_script_safe(vis_js),
        gradient=", ".join(f"{c} {p * 100:g}%" for p, c in _SCALE),
        data=_json_for_script(_vis_data(G, seed)),
        legend=_json_for_script({"acts": acts, "kinds": kinds}))
    with _atomic(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
