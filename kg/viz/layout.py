"""Node positions computed before the page opens.

networkx's spring_layout takes ~46 s at 5,000 nodes, and vis-network's physics
does not settle at that size (ARCHITECTURE.md). This layout is cheap at any
size the pages are meant for:

1. each connected component gets a *pivot MDS* embedding (Brandes and Pich):
   breadth-first distances from a few far-apart pivot nodes, squared and
   double-centred, projected onto their two principal axes (one sparse BFS per
   pivot, one small SVD);
2. a short force refinement pulls linked nodes to a set length and pushes apart
   only nodes that are close (pairs found with a k-d tree, not all n² pairs);
3. the components are packed in rows, largest first; lone nodes fill a grid.

About 0.3 s for 5,000 nodes and 10,000 links. The result is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EDGE_LENGTH = 110.0  # the distance linked nodes settle at, in vis-network's units
PIVOTS = 24
ITERATIONS = 60


def force_layout(
    nodes: Sequence[Hashable], edges: Sequence[tuple[Hashable, Hashable]], *, length: float = EDGE_LENGTH
) -> dict[Hashable, tuple[float, float]]:
    """Positions for ``nodes`` (links ``edges``, direction ignored), centred on the origin."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(index[a], index[b]) for a, b in edges if a in index and b in index and a != b}
    rows = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    data = np.ones(len(pairs), dtype=np.int8)
    adjacency = coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()
    adjacency = ((adjacency + adjacency.T) > 0).astype(np.int8).tocsr()
    count, labels = connected_components(adjacency, directed=False)

    pieces: list[tuple[np.ndarray, np.ndarray]] = []  # (member indices, their positions)
    singles: list[int] = []
    for component in range(count):
        members = np.flatnonzero(labels == component)
        if len(members) == 1:
            singles.append(int(members[0]))
            continue
        sub = adjacency[members][:, members]
        pieces.append((members, _component_layout(sub, length)))
    positions = _pack(n, pieces, singles, length)
    positions -= positions.mean(axis=0)
    return {node: (float(positions[i, 0]), float(positions[i, 1])) for node, i in index.items()}


def _component_layout(adjacency: object, length: float) -> np.ndarray:
    """Positions for one connected component (a CSR adjacency matrix of 2 nodes or more)."""
    import numpy as np
    from scipy.sparse.csgraph import shortest_path

    n = adjacency.shape[0]  # type: ignore[attr-defined]
    if n == 2:
        return np.array([[0.0, 0.0], [length, 0.0]])
    degrees = np.asarray(adjacency.sum(axis=1)).ravel()  # type: ignore[attr-defined]
    k = min(PIVOTS, n)
    pivots = [int(np.argmax(degrees))]
    distances = np.empty((k, n))
    nearest = np.full(n, np.inf)
    for i in range(k):
        row = shortest_path(adjacency, unweighted=True, directed=False, indices=pivots[i])
        distances[i] = row
        nearest = np.minimum(nearest, row)
        if i + 1 < k:
            pivots.append(int(np.argmax(nearest)))  # the node farthest from every pivot so far
    # Pivot MDS (Brandes and Pich): squared distances, double-centred, projected on their two
    # principal axes. Centring the rows too keeps a hub's closeness to everything from becoming
    # an axis of its own (it would be thrown to the rim).
    squared = distances.T**2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1, keepdims=True) + squared.mean()
    centred *= -0.5
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(n)])
    # Spread to about one node per length² of area: small-world graphs have short distances,
    # and left at their BFS scale thousands of nodes would sit within one link length.
    spread = float(np.sqrt((coords**2).sum(axis=1).mean())) or 1.0
    coords = coords * (length * math.sqrt(n) * 0.6 / spread)
    coords += _jitter(n, length * 0.05)
    return _refine(coords, adjacency, length)


def _refine(coords: np.ndarray, adjacency: object, length: float) -> np.ndarray:
    """A few force steps: springs along links, and repulsion between nodes closer than ``length``."""
    import numpy as np
    from scipy.sparse import triu
    from scipy.spatial import cKDTree

    upper = triu(adjacency, k=1).tocoo()  # type: ignore[arg-type]
    a, b = upper.row, upper.col
    n = len(coords)
    n = len(coords)
    step = length * 0.5
    for _ in range(ITERATIONS):
        force = np.zeros_like(coords)
        delta = coords[b] - coords[a]
        dist = np.maximum(np.linalg.norm(delta, axis=1), 1e-6)
        pull = ((dist - length) / dist)[:, None] * delta * 0.5
        force += _sum_at(a, pull, n) - _sum_at(b, pull, n)
        close = cKDTree(coords).query_pairs(length, output_type="ndarray")
        if len(close):
            i, j = close[:, 0], close[:, 1]
            delta = coords[j] - coords[i]
            dist = np.maximum(np.linalg.norm(delta, axis=1), 1e-3)
            push = ((length - dist) / dist)[:, None] * delta * 0.5
            force += _sum_at(j, push, n) - _sum_at(i, push, n)
        size = np.maximum(np.linalg.norm(force, axis=1), 1e-9)
        coords = coords + force * (np.minimum(size, step) / size)[:, None]
        step *= 0.94
    return coords


def _sum_at(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Row sums of ``values`` grouped by ``index`` (np.add.at, but several times faster)."""
    import numpy as np

    return np.column_stack(
        [
            np.bincount(index, weights=values[:, 0], minlength=n),
            np.bincount(index, weights=values[:, 1], minlength=n),
        ]
    )


def _pack(
    n: int, pieces: list[tuple[np.ndarray, np.ndarray]], singles: list[int], length: float
) -> np.ndarray:
    """Place components side by side in rows about as wide as the whole drawing is tall."""
    import numpy as np

    positions = np.zeros((n, 2))
    pieces = sorted(pieces, key=lambda piece: -len(piece[0]))
    boxes = []
    for members, coords in pieces:
        low, high = coords.min(axis=0), coords.max(axis=0)
        boxes.append((members, coords - low, high - low + length))
    side = math.ceil(math.sqrt(len(singles)))
    if singles:
        boxes.append((np.array(singles), None, np.array([side * length, side * length])))
    area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    row_width = max(math.sqrt(area) * 1.2, max((float(size[0]) for _, _, size in boxes), default=0.0))
    x = y = row_height = 0.0
    for members, coords, size in boxes:
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        if coords is None:  # the grid of lone nodes
            for k, member in enumerate(members):
                positions[member] = (x + (k % side) * length, y + (k // side) * length)
        else:
            positions[members] = coords + np.array([x, y])
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    return positions


def _jitter(n: int, scale: float) -> np.ndarray:
    """Small deterministic offsets, so that nodes the embedding puts on one spot can be told apart."""
    import numpy as np

    return np.random.default_rng(7).uniform(-scale, scale, size=(n, 2))


def circle(count: int, radius: float, *, start: float = -math.pi / 2) -> list[tuple[float, float]]:
    """``count`` points evenly around a circle, clockwise from ``start`` (the top by default)."""
    return [
        (
            radius * math.cos(start + 2 * math.pi * i / count),
            radius * math.sin(start + 2 * math.pi * i / count),
        )
        for i in range(count)
    ]
