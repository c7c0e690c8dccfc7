"""Colours and shapes: one per class, chosen so that families read together.

Agents are dots in blues, works are squares in browns and teals, roles are
orange diamonds, challenges red triangles, stages and career paths green and
gold hexagons, claims purple and pink dots, statistics stars. A class the
ontology does not know (an extension's) gets a colour from a fixed palette by a
stable hash of its IRI, so it keeps its colour from one build to the next.
Only shapes that draw their label below the node are used: their size can
then follow the node's degree.
"""

from __future__ import annotations

import zlib

EKG = "https://w3id.org/essay-kg/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
SIOC = "http://rdfs.org/sioc/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"

# class IRI -> (colour, shape)
CLASS_STYLES: dict[str, tuple[str, str]] = {
    # agents
    FOAF + "Person": ("#3b75af", "dot"),
    FOAF + "Organization": ("#1d3f6e", "dot"),
    FOAF + "Group": ("#6aaed6", "dot"),
    FOAF + "Agent": ("#8fb3d9", "dot"),
    # works
    EKG + "Report": ("#8c564b", "square"),
    EKG + "Publication": ("#b07d5b", "square"),
    EKG + "BlogPost": ("#d08c3f", "square"),
    EKG + "Blog": ("#c9a27e", "square"),
    EKG + "Comment": ("#3fa39b", "square"),
    EKG + "SpamComment": ("#a5a5a5", "square"),
    EKG + "Pingback": ("#7fb8b3", "square"),
    SIOC + "Post": ("#5fb3ad", "square"),
    SCHEMA + "CreativeWork": ("#c2a68c", "square"),
    # roles, challenges, stages
    EKG + "Role": ("#f28e2b", "diamond"),
    EKG + "Challenge": ("#d62728", "triangle"),
    EKG + "Stage": ("#2e9e4f", "hexagon"),
    EKG + "CareerPath": ("#d4a017", "hexagon"),
    # claims
    EKG + "Claim": ("#9467bd", "dot"),
    EKG + "Finding": ("#6a3d9a", "dot"),
    EKG + "Prediction": ("#c2185b", "dot"),
    EKG + "Advice": ("#e377c2", "dot"),
    EKG + "Objection": ("#ad1457", "dot"),
    EKG + "Parallel": ("#7e57c2", "dot"),
    EKG + "Frustration": ("#b0568f", "dot"),
    EKG + "Question": ("#d81b60", "dot"),
    # numbers
    EKG + "Statistic": ("#17becf", "star"),
    EKG + "Sample": ("#0e8a99", "star"),
    EKG + "Unit": ("#9edae5", "triangleDown"),
    # other concepts
    EKG + "Platform": ("#1f9ad6", "triangleDown"),
    EKG + "Technology": ("#5ab4e5", "triangleDown"),
    EKG + "Stance": ("#7f7f7f", "triangleDown"),
    EKG + "Dimension": ("#bcbd22", "triangleDown"),
    EKG + "Shift": ("#8c6d31", "triangleDown"),
    EKG + "Approach": ("#bd9e39", "triangleDown"),
    SKOS + "ConceptScheme": ("#b8b8b8", "square"),
    SKOS + "Concept": ("#c7c7c7", "triangleDown"),
    SCHEMA + "Place": ("#8ca252", "triangle"),
    SCHEMA + "Event": ("#637939", "triangle"),
    PROV + "Entity": ("#c5b0d5", "dot"),
}

# For classes the ontology does not know: distinct, readable on white.
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#6b6ecf",
    "#8ca252",
    "#d6616b",
]
UNTYPED = ("#9aa3ad", "dot")  # a node with no class at all

# The discussion view colours comments by their stance.
STANCE_COLOURS = {
    EKG + "Agrees": "#2e9e4f",
    EKG + "Extends": "#3b75af",
    EKG + "Disagrees": "#d62728",
}
NO_STANCE = "#9aa3ad"


def class_style(class_iri: str | None) -> tuple[str, str]:
    """(colour, shape) of a class; an unknown class gets a stable palette colour and a dot."""
    if class_iri is None:
        return UNTYPED
    known = CLASS_STYLES.get(class_iri)
    if known is not None:
        return known
    return PALETTE[zlib.crc32(class_iri.encode("utf-8")) % len(PALETTE)], "dot"


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white: ``amount`` 0 is the colour, 1 is white."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def shade(colour: str, amount: float) -> str:
    """``colour`` mixed with black: ``amount`` 0 is the colour, 1 is black."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in (r, g, b))


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
