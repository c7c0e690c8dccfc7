"""Find and load the Turtle sources: the built-in ontology plus the user's files.

The built-in ontology is every ``*.ttl`` in the ontology folder but
``shapes.ttl``, which is loaded on its own as the SHACL shapes graph. User
sources are files or folders (a folder means every ``*.ttl`` in it, sorted),
from command arguments, ``--data`` and the ``KG_DATA`` environment variable.
An empty Turtle file is valid and adds no triples.

Source texts (``?s ekg:localPath "source/essay.txt"``) are read relative to
the folder of the Turtle file that names them, so that evidence quotes can be
checked against them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kg import paths
from kg.errors import ParseError, SourceError

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.turtle import ParsedTurtle

EKG = "https://w3id.org/essay-kg/ns#"
LOCAL_PATH = EKG + "localPath"
SHAPES_FILE = "shapes.ttl"
DATA_ENV = "KG_DATA"
# Explicitly named files are read as Turtle; N-Triples is a subset of it.
TURTLE_SUFFIXES = {".ttl", ".nt", ".turtle"}


# No dataclasses in this module: every query finds its sources here (kg.compile), and a dataclass costs
# ~1.5 ms to create at import.


class Source(NamedTuple):
    """One Turtle file: where it is, and how error messages name it."""

    path: Path
    display: str


class Loaded:
    """Everything ``load`` read."""

    def __init__(self, graph: Graph, shapes: Graph, texts: dict[str, str]) -> None:
        self.graph = graph  # merged asserted triples of the ontology and the user's files
        self.shapes = shapes  # the SHACL shapes
        self.texts = texts  # source IRI -> its text
        self.files: list[Path] = []  # Turtle files in ``graph``, in load order
        self.shapes_files: list[Path] = []
        self.text_files: dict[str, Path] = {}


def load(extra: Sequence[Path | str] = (), *, ontology_dir: Path | None = None) -> Loaded:
    """Load the built-in ontology, its shapes and source texts, plus ``extra`` files or folders."""
    from rdflib import Graph

    builtin, shapes_file = builtin_sources(ontology_dir or paths.ontology_dir())
    user = expand(extra)
    loaded = Loaded(Graph(bind_namespaces="core"), Graph(bind_namespaces="core"), {})
    known_prefixes: dict[str, str] = {}
    seen: set[Path] = set()
    for source in [*builtin, *user]:
        if source.path in seen:  # the same file named twice (say, a folder and a file in it)
            continue
        seen.add(source.path)
        parsed = _parse(source, known_prefixes)
        _add(loaded.graph, parsed)
        loaded.files.append(source.path)
        _read_texts(source, parsed, loaded)
    if shapes_file is not None:
        _add(loaded.shapes, _parse(shapes_file, known_prefixes))
        loaded.shapes_files.append(shapes_file.path)
    return loaded


def builtin_sources(ontology_dir: Path) -> tuple[list[Source], Source | None]:
    """The ontology's data files (core.ttl first) and its shapes file, if there is one."""
    if not ontology_dir.is_dir():
        raise SourceError(f"{ontology_dir}: the built-in ontology folder is missing: reinstall essay-kg")
    files = sorted(ontology_dir.glob("*.ttl"), key=lambda p: (p.name != "core.ttl", p.name))
    data = [_source(p) for p in files if p.name != SHAPES_FILE]
    shapes = ontology_dir / SHAPES_FILE
    return data, (_source(shapes) if shapes.is_file() else None)


def expand(paths_: Iterable[Path | str]) -> list[Source]:
    """Turn files and folders into Turtle files; a folder gives its ``*.ttl`` files, sorted."""
    sources: list[Source] = []
    for given in paths_:
        path = Path(given)
        display = str(given)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.ttl") if p.is_file())
            if not found:
                raise SourceError(
                    f"{display}: this folder holds no .ttl file: give a Turtle file or a folder of them"
                )
            sources.extend(Source(p.resolve(), str(Path(display) / p.name)) for p in found)
        elif path.is_file():
            if path.suffix.lower() not in TURTLE_SUFFIXES:
                raise SourceError(
                    f"{display}: not a Turtle file (expected a .ttl name): convert it to Turtle, or rename it"
                )
            sources.append(Source(path.resolve(), display))
        elif path.exists():
            raise SourceError(f"{display}: neither a file nor a folder: give a Turtle file or a folder")
        else:
            raise SourceError(f"{display}: no such file or folder: check the path")
    return sources


def env_data_paths(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The paths in ``KG_DATA`` (separated by ``os.pathsep``, like PATH)."""
    value = (os.environ if environ is None else environ).get(DATA_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _source(path: Path) -> Source:
    resolved = path.resolve()
    return Source(resolved, display_path(resolved))


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _parse(source: Source, known_prefixes: dict[str, str]) -> ParsedTurtle:
    from kg.turtle import parse_turtle

    try:
        data = source.path.read_bytes()
    except OSError as e:
        raise SourceError(f"{source.display}: cannot read: {e.strerror or e}") from None
    parsed = parse_turtle(data, source.display, known_prefixes)
    for prefix, iri in parsed.prefixes.items():
        known_prefixes.setdefault(prefix, iri)
    return parsed


def _add(graph: Graph, parsed: ParsedTurtle) -> None:
    from rdflib import URIRef

    bound = {str(ns) for _, ns in graph.namespaces()}
    for prefix, iri in parsed.prefixes.items():
        if iri not in bound:  # keep the first name a namespace was given
            graph.bind(prefix, URIRef(iri), override=False)
    add = graph.add
    for triple in parsed.triples:
        add(triple)


def _read_texts(source: Source, parsed: ParsedTurtle, loaded: Loaded) -> None:
    """Read every source text the file points at with ``ekg:localPath``."""
    for subject, predicate, value in parsed.triples:
        if str(predicate) != LOCAL_PATH:
            continue
        text, text_path = read_source_text(source, parsed.text, str(value))
        loaded.texts[str(subject)] = text
        loaded.text_files[str(subject)] = text_path


def read_source_text(source: Source, turtle: str, value: str) -> tuple[str, Path]:
    """The text ``ekg:localPath "value"`` names in ``source`` (whose Turtle is ``turtle``), and its path.

    The path is relative to the Turtle file's folder; newlines are read as
    Path.read_text reads them, so offsets agree with kg.anchor's.
    """
    from kg.turtle import decode_utf8

    text_path = (source.path.parent / value).resolve()
    where = _locate(turtle, value, source.display)
    try:
        data = text_path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            f'{where}: source text "{value}" not found (looked for {display_path(text_path)}): '
            "fix ekg:localPath; it is relative to this Turtle file's folder"
        ) from None
    except OSError as e:
        shown = display_path(text_path)
        raise SourceError(f"{where}: cannot read source text {shown}: {e.strerror}") from None
    try:
        # keep_bom: offsets count from the file's first character, as kg.anchor counts them.
        text = decode_utf8(data, display_path(text_path), keep_bom=True)
    except ParseError as e:
        raise SourceError(f"{e} (source text named at {where})") from None
    # Same newline handling as Path.read_text, which kg.anchor uses to compute offsets.
    return text.replace("\r\n", "\n").replace("\r", "\n"), text_path


def _locate(text: str, value: str, display: str) -> str:
    """``display:line:col`` of the first quoted ``value`` in ``text``, or just ``display``."""
    for quote in ('"', "'"):
        at = text.find(f"{quote}{value}{quote}")
        if at != -1:
            line_start = text.rfind("\n", 0, at) + 1
            return f"{display}:{text.count(chr(10), 0, at) + 1}:{at - line_start + 1}"
    return display
