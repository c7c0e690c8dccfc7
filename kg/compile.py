"""The compiled Oxigraph store: the graph and its RDFS entailments on disk, rebuilt when a source changes.

Queries run on this store. It lives in the user's cache folder (``$KG_CACHE_DIR``,
else ``$XDG_CACHE_HOME/essay-kg``, else ``~/.cache/essay-kg``), never beside the
sources, so a read-only checkout or an installed wheel works. A store's folder
is named by a fingerprint of everything it was built from (format version,
kg and pyoxigraph versions, each Turtle file's path and bytes): an unchanged
source finds its store, a changed one gets a new store.

Building never imports rdflib. Each file is decoded and parsed by pyoxigraph
twice: a first pass reports syntax errors (explained by kg.turtle, as on the
rdflib path) before anything is written and finds the predicates the RDFS rules
need; the second streams the triples into the store's default graph (the
asserted triples) and notes those predicates' triples on the way. The rules of
kg.infer then run over these pyoxigraph terms, and the entailments go to the
named graph ``urn:essay-kg:inferred``. Why this shape (measured, 1M triples,
2 cores): writing the default graph takes ~12 s, a named graph ~23 s (six
indexes instead of three); reading triples back out of the store ~25 µs each.

Several ``kg`` processes may start at once on a cold cache. A build happens in
a temporary folder beside the final one, writes ``prefixes.json`` and then the
``complete`` marker last, closes the store and renames the folder into place;
a folder without the marker (half-written) is never opened and is rebuilt.
Builds take a lock, so the others wait and then open the winner's store; where
locks do not work, a loser of the rename race discards its copy and uses the
winner's. Stores are opened with ``Store.read_only``, which takes no lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__, paths
from kg.errors import KgError, SourceError
from kg.sources import Source, builtin_sources, expand

# Only a build needs hashlib (its OpenSSL import costs ~3 ms), kg.infer and kg.turtle: they are imported
# there, so that a query on a store that is already built does not pay for them (see _Memo).

# Bump when the layout of a store folder changes (2: asserted = the default graph; 3: the user's files linted
# before a build, and a store built in spite of lint errors holds them in LINT_ERRORS).
FORMAT_VERSION = 5
INFERRED = "urn:essay-kg:inferred"  # the RDFS entailments; the asserted triples are the default graph
CACHE_ENV = "KG_CACHE_DIR"
KEEP = 3  # compiled stores kept in the cache; the least recently used beyond these are removed
COMPLETE = "complete"
PREFIXES = "prefixes.json"
DB = "db"
# A small graph is also kept as N-Quads, read into memory at every open: ~13 ms for the essay's 4,800
# quads, where opening RocksDB read-only costs 30-50 ms. Past this size RocksDB opens faster.
SNAPSHOT = "graph.nq"
SNAPSHOT_QUADS = 15_000
LINT_ERRORS = "lint-errors.json"  # in a store built with --force from files with lint errors: the errors
STALE_SECONDS = 3600  # a build or trash folder this old was left by a process that died
DIGESTS = "digests.json"  # fingerprints and large files' sha256, remembered by their stat (see _Memo)
DIGEST_MEMO_BYTES = 1 << 20  # smaller files' digests are not remembered on their own (~1 ms a MB)
MEMO_FINGERPRINTS = 100  # sets of sources whose fingerprint is remembered, the most recent kept
RACY_NS = 2_000_000_000  # a file changed this recently is hashed again next time

_opened: dict[Path, Compiled] = {}  # one read-only handle per store and process
# `kg --force` sets this: build and open stores of user files that have lint errors (kg.lint).
ALLOW_LINT_ERRORS = False
Triple = tuple[Any, Any, Any]


def default_graph(reason: bool = True) -> list[Any]:
    """What a query sees as its default graph: the asserted triples, and the entailments if ``reason``."""
    return [ox.DefaultGraph(), ox.NamedNode(INFERRED)] if reason else [ox.DefaultGraph()]


class Compiled:
    """An open compiled store, the prefixes its sources declare, and its folder.

    A plain class: a dataclass costs ~1.5 ms to create at import, on every query.
    """

    def __init__(self, store: ox.Store, prefixes: dict[str, str], path: Path) -> None:
        self.store = store
        self.prefixes = prefixes
        self.path = path


def cache_dir() -> Path:
    """Where stores live: ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/essay-kg``, else ``~/.cache/essay-kg``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "essay-kg"


def sources_for(extra: Sequence[Path | str] = (), ontology_dir: Path | None = None) -> list[Source]:
    """The Turtle files ``kg.sources.load`` would read into the graph (shapes aside), each once."""
    builtin, _shapes = builtin_sources(ontology_dir or paths.ontology_dir())
    seen: set[Path] = set()
    unique = []
    for source in [*builtin, *expand(extra)]:
        if source.path not in seen:
            seen.add(source.path)
            unique.append(source)
    return unique


def compiled_store(
    extra: Sequence[Path] = (), *, ontology_dir: Path | None = None, force: bool | None = None
) -> Compiled:
    """The compiled store of the ontology plus ``extra`` Turtle files or folders, built if missing.

    The gate: before a build, the ``extra`` files are linted (kg.lint), and an
    ERROR in them is a LintError naming each one, unless ``force`` (default:
    ALLOW_LINT_ERRORS, which `kg --force` sets). A store built with ``force``
    remembers the errors, so that it is refused without ``force`` as well.
    """
    force = ALLOW_LINT_ERRORS if force is None else force
    sources = sources_for(extra, ontology_dir)
    root = cache_dir()
    memo = _Memo(root)
    final = root / f"store-{memo.fingerprint(sources)}"
    memo.save()
    if final in _opened and (final / COMPLETE).is_file():
        if extra and not force:
            _refuse_if_linted(final)
        return _opened[final]
    user = {s.path for s in expand(extra)} if extra else set()
    if not (final / COMPLETE).is_file():
        final = _build_in_place(sources, root, final, user=user, force=force)
    if extra and not force:
        _refuse_if_linted(final)
    try:
        return _open(final)
    except _Damaged as damaged:  # damaged on disk (a crash, a full disk, a hand): set aside, then rebuilt
        _set_aside(root, final, damaged.marker)
    final = _build_in_place(sources, root, final, user=user, force=force)
    if extra and not force:
        _refuse_if_linted(final)
    return _open(final)


class _Damaged(KgError):
    """A compiled store that cannot be opened, or whose files changed since it was built."""

    def __init__(self, message: str, marker: tuple[int, str] | None) -> None:
        super().__init__(message)
        self.marker = marker


def _marker(final: Path) -> tuple[int, str] | None:
    """What identifies one build of ``final``: its marker's inode and text (a rebuild writes a new one)."""
    try:
        path = final / COMPLETE
        return path.stat().st_ino, path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _set_aside(root: Path, final: Path, marker: tuple[int, str] | None) -> None:
    """Remove the damaged store ``final``, unless another process rebuilt it since ``marker`` was read."""
    with _build_lock(root):
        if _marker(final) == marker:
            _remove(final)
    _opened.pop(final, None)


def _refuse_if_linted(final: Path) -> None:
    """Raise the LintError of a store built with --force from files with lint errors (one stat if none)."""
    if (final / LINT_ERRORS).is_file():
        from kg.lint import Finding, gate_error

        try:
            rows = json.loads((final / LINT_ERRORS).read_text(encoding="utf-8"))
            findings = [Finding(**row) for row in rows]
        except (OSError, ValueError, TypeError):
            findings = []
        raise gate_error(findings)


def _open(final: Path) -> Compiled:
    marker = _marker(final)
    try:
        built = json.loads(marker[1]) if marker else None
        if not isinstance(built, dict):
            raise ValueError(f"its {COMPLETE} marker is damaged")
        files = built.get("files")
        if files is not None and _db_files(final / DB) != files:
            raise ValueError("its files changed since it was built")
        if "snapshot" in built:
            store = _read_snapshot(final / SNAPSHOT, built["snapshot"])
        else:
            store = ox.Store.read_only(str(final / DB))  # RocksDB: RuntimeError "Corruption: ..." or OSError
        prefixes = json.loads((final / PREFIXES).read_text(encoding="utf-8"))
        if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
            raise ValueError(f"{PREFIXES} does not map prefixes to namespaces")
    except (OSError, RuntimeError, ValueError, SyntaxError) as e:
        raise _Damaged(
            f"{final}: the compiled store cannot be opened ({e}): delete this folder and run kg again", marker
        ) from None
    with contextlib.suppress(OSError):  # a read-only cache is fine
        os.utime(final / COMPLETE)  # marks it recently used, so that cleaning up keeps it
    compiled = Compiled(store, prefixes, final)
    _opened[final] = compiled
    return compiled


def _read_snapshot(path: Path, expected: Any) -> ox.Store:
    """The in-memory store of a snapshot, checked against the size and checksum the build wrote."""
    data = path.read_bytes()
    if not isinstance(expected, dict) or [len(data), _crc32(data)] != [
        expected.get("bytes"),
        expected.get("crc32"),
    ]:
        raise ValueError(f"{SNAPSHOT} changed since it was built")
    store = ox.Store()
    # lenient: the build wrote these quads from terms pyoxigraph had already checked, and the checksum
    # holds, so checking every IRI again is wasted (load takes ~9 ms instead of ~16). A damaged line is
    # still a SyntaxError.
    store.load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
    return store


def _unique() -> str:
    """A name part no other process picks: what uuid4().hex is made of, without uuid's import (~4 ms,
    as it imports platform), on the path of every query."""
    return os.urandom(16).hex()


def _crc32(data: bytes) -> int:
    """A checksum against damage on disk (not against an attacker): zlib's, as hashlib's OpenSSL costs
    ~4 ms to import."""
    import zlib

    return zlib.crc32(data)


def _read(source: Source) -> bytes:
    try:
        return source.path.read_bytes()
    except OSError as e:
        raise SourceError(f"{source.display}: cannot read: {e.strerror or e}") from None


def _versions() -> str:
    return f"essay-kg store {FORMAT_VERSION} {__version__} {ox.__version__}\n"


def _fingerprint(sources: Sequence[Source], digest_of: Callable[[Source], str]) -> str:
    """sha256 of the format and versions and of every source's resolved path and bytes, in load order."""
    import hashlib

    digest = hashlib.sha256(_versions().encode())
    for source in sources:
        name = str(source.path).encode("utf-8", "surrogateescape")
        digest.update(len(name).to_bytes(8, "big") + name + digest_of(source).encode())
    return digest.hexdigest()[:32]


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class _Memo:
    """Fingerprints, and the sha256 of large files, remembered by the stat of the files they were read from.

    A file whose size, times and inode are unchanged since it was hashed has the
    same bytes (git trusts its index the same way). So a query on unchanged
    sources reads none of them: hashing a 28 MB extension costs ~45 ms, and even
    the essay's own files cost ~5 ms (reading, hashing, importing hashlib's
    OpenSSL). A file changed within the last seconds is not remembered, so that
    a second change within the same timestamp cannot go unseen. Kept in
    ``digests.json``: ``files`` (path -> stat and sha256, for files of
    DIGEST_MEMO_BYTES or more, so that adding a file to a set does not hash the
    large one again) and ``fingerprints`` (the stat of every source -> the
    fingerprint).
    """

    def __init__(self, root: Path) -> None:
        self.path = root / DIGESTS
        self.memo: dict[str, dict[str, Any]] | None = None
        self.changed = False

    def fingerprint(self, sources: Sequence[Source]) -> str:
        """The fingerprint of ``sources`` (``_fingerprint``), remembered by their stat."""
        stats = [self._stat(source) for source in sources]
        stamps = ([str(s.path), *_stamp(st)] for s, st in zip(sources, stats, strict=True))
        key = json.dumps([_versions(), *stamps])
        known = self._table("fingerprints").get(key)
        if isinstance(known, str):
            return known
        found = _fingerprint(sources, self.digest)
        if not any(_racy(st) for st in stats):
            self._remember("fingerprints", key, found)
        return found

    def digest(self, source: Source) -> str:
        """The sha256 of ``source``'s bytes; a large file's is remembered by its stat."""
        st = self._stat(source)
        if st.st_size < DIGEST_MEMO_BYTES:
            return _sha256(_read(source))
        key = str(source.path)
        stamp = _stamp(st)
        entry = self._table("files").get(key)
        if isinstance(entry, list) and entry[:4] == stamp:
            return str(entry[4])
        found = _sha256(_read(source))
        if not _racy(st):
            self._remember("files", key, [*stamp, found])
        return found

    @staticmethod
    def _stat(source: Source) -> os.stat_result:
        try:
            return source.path.stat()
        except OSError as e:
            raise SourceError(f"{source.display}: cannot read: {e.strerror or e}") from None

    def _table(self, name: str) -> dict[str, Any]:
        if self.memo is None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = None
            self.memo = loaded if isinstance(loaded, dict) else {}
        table = self.memo.get(name)
        if not isinstance(table, dict):
            table = self.memo[name] = {}
        return table

    def _remember(self, name: str, key: str, value: Any) -> None:
        table = self._table(name)
        table.pop(key, None)  # re-inserted last: the oldest entries are the first dropped
        table[key] = value
        self.changed = True

    def save(self) -> None:
        """Best effort: a memo that cannot be written only costs the hashing next time."""
        if not self.changed or self.memo is None:
            return
        files = {k: v for k, v in self._table("files").items() if Path(k).exists()}
        fingerprints = list(self._table("fingerprints").items())[-MEMO_FINGERPRINTS:]
        memo = {"files": files, "fingerprints": dict(fingerprints)}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{DIGESTS}.{_unique()}")
            tmp.write_text(json.dumps(memo), encoding="utf-8")
            os.replace(tmp, self.path)


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _racy(st: os.stat_result) -> bool:
    """Changed so recently that another change could still come within the same timestamp."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_NS


def _build_in_place(
    sources: Sequence[Source],
    root: Path,
    expected: Path,
    *,
    user: set[Path] | None = None,
    force: bool = False,
) -> Path:
    """Build the store of ``sources`` and rename it into place; returns its folder.

    ``expected`` is the folder the sources' fingerprint names; if the sources
    change during the build, the folder of what was read is returned instead.
    The ``user`` files among ``sources`` are linted first: an ERROR refuses the
    build (a LintError) unless ``force``.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KgError(
            f"{root}: cannot create the cache folder for the compiled store ({e.strerror or e}): "
            f"set {CACHE_ENV} to a writable folder"
        ) from None
    with _build_lock(root):
        if (expected / COMPLETE).is_file():  # built by another process while this one waited
            return expected
        errors = _lint_gate(sources, user or set())
        if errors and not force:
            from kg.lint import gate_error

            raise gate_error(errors)
        # What is hashed is what is loaded: the fingerprint comes from the bytes the build reads.
        tmp = Path(_mkdtemp(root))
        try:
            if errors:  # written before the store is complete: a forced store is never taken for a clean one
                rows = json.dumps([f._asdict() for f in errors], indent=1, ensure_ascii=False)
                (tmp / LINT_ERRORS).write_text(rows + "\n", encoding="utf-8")
            fingerprint = build(sources, tmp)
            final = root / f"store-{fingerprint}"
            if (final / COMPLETE).is_file():  # a source changed back while building
                _remove(tmp)
                return final
            _rename_into_place(tmp, final)
        except BaseException:
            _remove(tmp)
            raise
        _collect(root, keep=final)
    return final


def _lint_gate(sources: Sequence[Source], user: set[Path]) -> list[Any]:
    """The lint ERRORs in the ``user`` files (the ontology's own files are not gated)."""
    if not user:
        return []
    from kg.lint import gate

    return gate(sources, user)


def _mkdtemp(root: Path) -> str:
    import tempfile

    try:
        folder = tempfile.mkdtemp(dir=root, prefix=".build-")
        os.chmod(folder, 0o777 & ~_umask())  # mkdtemp's 0700 would hide a shared cache from others
        return folder
    except OSError as e:
        raise KgError(
            f"{root}: cannot write the compiled store here ({e.strerror or e}): "
            f"set {CACHE_ENV} to a writable folder"
        ) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _rename_into_place(tmp: Path, final: Path) -> None:
    for _attempt in range(3):
        try:
            os.rename(tmp, final)
            return
        except OSError:
            if (final / COMPLETE).is_file():  # lost the race: the winner's store is as good as ours
                _remove(tmp)
                return
            if final.exists():  # half-written: set it aside, then try again
                _remove(final)
    raise KgError(f"{final}: cannot put the compiled store in place: delete the folder and run kg again")


def build(sources: Sequence[Source], folder: Path) -> str:
    """Build a complete store folder at ``folder`` (which must exist, empty) and return its fingerprint."""
    from kg.turtle import decode_utf8

    loaded: list[bytes] = []

    def digest_of(source: Source) -> str:
        data = _read(source)
        loaded.append(data)
        return _sha256(data)

    fingerprint = _fingerprint(sources, digest_of)  # of the bytes this build reads
    texts = [decode_utf8(data, source.display) for source, data in zip(sources, loaded, strict=True)]
    del loaded[:]
    keep, prefixes = _scan(sources, texts)  # every syntax error is reported before anything is written

    store = ox.Store(str(folder / DB))
    kept: list[Triple] = []
    for text in texts:
        store.bulk_extend(_kept(ox.parse(text, ox.RdfFormat.TURTLE, rename_blank_nodes=True), keep, kept))
    del texts[:]
    inferred = ox.NamedNode(INFERRED)
    entailed = _entailments(kept)
    del kept[:]
    store.bulk_extend(ox.Quad(s, p, o, inferred) for s, p, o in entailed)
    counts = {"asserted": len(store) - len(entailed), "inferred": len(entailed)}
    snapshot = None
    if len(store) <= SNAPSHOT_QUADS:
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        (folder / SNAPSHOT).write_bytes(data)
        snapshot = {"bytes": len(data), "crc32": _crc32(data)}
    store.flush()
    del store  # closes it: the folder must not be renamed while RocksDB writes to it

    (folder / PREFIXES).write_text(json.dumps(prefixes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    marker = {
        "format": FORMAT_VERSION,
        "kg": __version__,
        "pyoxigraph": ox.__version__,
        "triples": counts,
        "sources": [str(s.path) for s in sources],
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": _db_files(folder / DB),  # checked at every open: a damaged store is rebuilt, not read
    }
    if snapshot is not None:
        marker["snapshot"] = snapshot
    (folder / COMPLETE).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    return fingerprint


def _db_files(db: Path) -> dict[str, list[int]]:
    """Each file of a closed store: name -> [size, mtime in ns]. Opening it read-only changes none of them.

    A file truncated, removed or written to since the build shows here (~50 µs for a
    store's few dozen files). RocksDB did not notice a garbled block of a table file:
    reading it cost a query all the machine's memory.
    """
    files = {}
    with os.scandir(db) as entries:
        for entry in entries:
            if entry.is_file() and not entry.name.startswith(("LOG", "LOCK")):  # RocksDB's own log
                st = entry.stat()
                files[entry.name] = [st.st_size, st.st_mtime_ns]
    return files


def _scan(sources: Sequence[Source], texts: Sequence[str]) -> tuple[set[Any], dict[str, str]]:
    """Parse every file once: syntax errors, the prefixes, and the predicates the RDFS rules need.

    Those are the schema's own (rdf:type, rdfs:subClassOf, ...), the properties
    with a domain, a range or a superproperty, and the superproperties
    (entailed triples are checked against what is asserted with them).
    """
    from kg.infer import DOMAIN, RANGE, RDF_TYPE, SUB_CLASS_OF, SUB_PROPERTY_OF
    from kg.turtle import explain_error, term_checker, token_too_long

    schema = {ox.NamedNode(p) for p in (RDF_TYPE, SUB_CLASS_OF, SUB_PROPERTY_OF, DOMAIN, RANGE)}
    property_axioms = {ox.NamedNode(p) for p in (SUB_PROPERTY_OF, DOMAIN, RANGE)}
    sub_property_of = ox.NamedNode(SUB_PROPERTY_OF)
    keep = set(schema)
    prefixes: dict[str, str] = {}
    for source, text in zip(sources, texts, strict=True):
        parser = ox.parse(text, ox.RdfFormat.TURTLE)
        check = term_checker(text, source.display)  # ill-typed literals and triple terms, as kg.turtle
        try:
            for q in parser:
                if check is not None:
                    check(q)
                if q.predicate in property_axioms:
                    keep.add(q.subject)
                    if q.predicate == sub_property_of:
                        keep.add(q.object)
        except SyntaxError as e:
            raise explain_error(e, text, source.display, prefixes) from None
        except MemoryError:
            raise token_too_long(text, source.display) from None
        for prefix, iri in parser.prefixes.items():
            prefixes.setdefault(prefix, iri)
    return keep, prefixes


def _kept(quads: Iterable[Any], keep: set[Any], kept: list[Triple]) -> Iterator[Any]:
    """``quads`` passed on to the store unchanged; the triples whose predicate is in ``keep`` noted."""
    note = kept.append
    for q in quads:
        p = q.predicate
        if p in keep:
            note((q.subject, p, q.object))
        yield q


def _entailments(kept: Sequence[Triple]) -> list[Triple]:
    """The RDFS entailments of the asserted triples (``kept`` holds all that matter), minus those asserted.

    The rules run in Python over pyoxigraph terms (kg.infer), on triples noted
    while they streamed to disk: reading them back from the store costs ~25 µs
    a triple, ten times parsing them.
    """
    from kg.infer import DOMAIN, RANGE, SUB_CLASS_OF, SUB_PROPERTY_OF, closure

    pairs: dict[Any, list[tuple[Any, Any]]] = {
        ox.NamedNode(p): [] for p in (SUB_CLASS_OF, SUB_PROPERTY_OF, DOMAIN, RANGE)
    }
    for s, p, o in kept:
        found = pairs.get(p)
        if found is not None:
            found.append((s, o))

    added = closure(
        sub_classes=pairs[ox.NamedNode(SUB_CLASS_OF)],
        sub_properties=pairs[ox.NamedNode(SUB_PROPERTY_OF)],
        domains=pairs[ox.NamedNode(DOMAIN)],
        ranges=pairs[ox.NamedNode(RANGE)],
        triples_with=lambda _predicates: kept,
        is_literal=lambda term: isinstance(term, ox.Literal),
        term=ox.NamedNode,
    )
    held = set(kept)  # every entailed triple's predicate is in keep: this is all it could match
    return [t for t in added if t not in held]


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """One build at a time in a cache folder; the others wait, then find the store built."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the rename race alone keeps the cache whole
        yield
        return
    try:
        handle = open(root / ".lock", "a+b")  # noqa: SIM115 (held across the yield)
    except OSError:
        yield
        return
    with handle:
        with contextlib.suppress(OSError):  # a file system without locks: the rename race remains
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _remove(folder: Path) -> None:
    """Delete ``folder``: renamed aside first, so that no one opens it half-deleted."""
    import shutil  # not on the fast path: it pulls in bz2 and lzma

    aside = folder.parent / f".trash-{_unique()}"
    try:
        os.rename(folder, aside)
    except OSError:
        aside = folder
    shutil.rmtree(aside, ignore_errors=True)


def _collect(root: Path, keep: Path) -> None:
    """Best effort: keep the KEEP most recently used stores (``keep`` among them), remove dead builds."""
    import shutil

    try:
        entries = list(root.iterdir())
    except OSError:
        return
    stores = []
    for entry in entries:
        try:
            if entry.name.startswith("store-"):
                stores.append(((entry / COMPLETE).stat().st_mtime, entry))
            elif (
                entry.name.startswith((".build-", ".trash-"))
                and time.time() - entry.stat().st_mtime > STALE_SECONDS
            ):
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            if entry.name.startswith("store-") and entry != keep:
                stores.append((0.0, entry))  # half-written
    stores.sort(reverse=True)
    for _used, folder in [s for s in stores if s[1] != keep][KEEP - 1 :]:
        _remove(folder)
        _opened.pop(folder, None)
