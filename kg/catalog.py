"""Query files: the ``#+`` YAML header, typed parameters, and binding values as RDF terms.

A query file is grlc-style: a header of ``#+`` lines (YAML with a closed set of
keys), then SPARQL. Parameters are variables named ``?_name_type`` (required)
or ``?__name_type`` (optional), the type one of the suffixes in ``TYPES``
(none means a plain literal). A value given for a parameter reaches the query
only as an RDF term (``kg.terms``), bound by the engine, never as text pasted
into the query: a value such as ``} ; DROP ALL ; #`` stays one literal.

Looking a query up by name parses that one file only: a cold ``kg query``
should not pay for reading every header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.errors import KgError, QueryFileError
from kg.errors import did_you_mean as _did_you_mean

if TYPE_CHECKING:
    from kg.engines import Result

HEADER_KEYS = ("summary", "description", "tags", "questions", "defaults", "expect")
EXPECT_KEYS = ("rows", "count", "empty", "nonEmpty")
TYPES = ("iri", "literal", "integer", "decimal", "en")
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER_MARK = "#+"

# Patterns as text, compiled (and cached by re) on first use: only a parameter value needs them, and
# compiling every pattern of the query path at import cost a cold `kg query` ~10 ms.
_INTEGER = r"[+-]?\d+"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_LABEL_LIKE = r"[A-Za-z][\w.-]*:"
_IRI_SCHEME = r"(?:https?|urn|file|mailto|tag):"

# No dataclasses in this module: they cost ~1.5 ms a class at import, and every `kg query` imports it.


class Param(NamedTuple):
    """A parameter of a query file: ``?_stage_iri`` is the required IRI parameter ``stage``."""

    name: str
    variable: str
    type: str
    required: bool


class QueryFile:
    """One parsed query file."""

    def __init__(
        self,
        *,
        name: str,
        path: Path,
        summary: str,
        description: str,
        tags: list[str],
        questions: list[str],
        defaults: dict[str, str],
        expect: dict[str, Any] | None,
        sparql: str,
        params: list[Param],
        form: str,
        header: str = "",
        prefixes: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.summary = summary
        self.description = description
        self.tags = tags
        self.questions = questions
        self.defaults = defaults
        self.expect = expect
        self.sparql = sparql  # the file's text, header included (its lines are comments)
        self.params = params
        self.form = form
        self.header = header  # the ``#+`` lines as written
        self.prefixes = prefixes or {}  # the PREFIX declarations of the SPARQL

    def __repr__(self) -> str:
        return f"QueryFile(name={self.name!r}, path={str(self.path)!r}, form={self.form!r})"

    @property
    def body(self) -> str:
        """The SPARQL below the header."""
        return self.sparql.split("\n", self.header.count("\n") + 1)[-1] if self.header else self.sparql

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The ``kg list --format json`` entry."""
        return {
            "name": self.name,
            "summary": self.summary,
            "parameters": [{"name": p.name, "type": p.type, "required": p.required} for p in self.params],
        }


def catalog(dirs: Sequence[Path] | None = None) -> dict[str, QueryFile]:
    """Every query file in ``dirs`` (default: the built-in ones), by name.

    Two files of the same name in different folders are a QueryFileError naming both.
    """
    found: dict[str, QueryFile] = {}
    for path in _query_paths(dirs).values():
        query = parse_query_file(path)
        found[query.name] = query
    return dict(sorted(found.items()))


def query_names(dirs: Sequence[Path] | None = None) -> list[str]:
    """The names of the query files in ``dirs``, without parsing them."""
    return sorted(_query_paths(dirs))


def find_query(name_or_path: str, dirs: Sequence[Path] | None = None) -> QueryFile:
    """A query by name (``stage-after``) or by path (``my/query.rq``)."""
    as_path = Path(name_or_path)
    if name_or_path.endswith(".rq") or len(as_path.parts) > 1:
        if as_path.is_file():
            return parse_query_file(as_path)
        if as_path.exists():
            raise QueryFileError(f"{name_or_path}: not a file: give a query file (.rq) or a query name")
        if name_or_path.endswith(".rq") or as_path.parent.exists():
            raise QueryFileError(f"{name_or_path}: no such query file: check the path")
    paths = _query_paths(dirs)
    if name_or_path in paths:
        return parse_query_file(paths[name_or_path])
    import difflib  # only for the error

    close = difflib.get_close_matches(name_or_path, list(paths), n=3, cutoff=0.6)
    hint = f" (did you mean: {', '.join(close)}?)" if close else ""
    raise QueryFileError(
        f'no query named "{name_or_path}"{hint}: run `kg list` to see the query names, '
        "or give the path of a .rq file"
    )


def query_paths(dirs: Sequence[Path] | None = None) -> dict[str, Path]:
    """The query files in ``dirs`` (default: the built-in ones) by name, without reading them."""
    return _query_paths(dirs)


def _query_paths(dirs: Sequence[Path] | None) -> dict[str, Path]:
    if dirs is None:
        from kg.paths import queries_dir

        dirs = [queries_dir()]
    paths: dict[str, Path] = {}
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.rq")):
            other = paths.setdefault(path.stem, path)
            if other != path and other.resolve() != path.resolve():
                raise _same_name(path.stem, other, path)
    return paths


def _same_name(name: str, first: Path, second: Path) -> QueryFileError:
    """Two query folders hold a query of the same name: neither may silently hide the other."""
    from kg.paths import queries_dir
    from kg.sources import display_path

    builtin = queries_dir().resolve()

    def shown(path: Path) -> str:
        where = display_path(path.resolve())
        return f"{where} (built in)" if path.resolve().parent == builtin else where

    renamed = second.with_name(f"my-{name}.rq")
    return QueryFileError(
        f'two query files are named "{name}": {shown(first)} and {shown(second)}: a query\'s name is its '
        f"file name, so rename one of them (such as {display_path(renamed.resolve())})"
    )


QUERIES_ENV = "KG_QUERIES"


def env_query_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders in ``KG_QUERIES`` (separated by ``os.pathsep``, like PATH)."""
    import os

    value = (os.environ if environ is None else environ).get(QUERIES_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def query_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """The built-in query folder, then each folder of ``extra`` (--queries, KG_QUERIES), checked.

    A folder that is missing, not a folder, or holds no ``.rq`` file is a QueryFileError.
    """
    from kg.paths import queries_dir

    dirs = [queries_dir()]
    for given in extra:
        folder = Path(given)
        if folder.is_dir():
            if not any(p.is_file() for p in folder.glob("*.rq")):
                raise QueryFileError(
                    f"{given}: this query folder holds no .rq file: add one (`kg new-query NAME --dir "
                    f"{given}` writes a skeleton), or drop the folder from --queries / {QUERIES_ENV}"
                )
            dirs.append(folder)
        elif folder.exists():
            run = f"; to run this one file, give its path: kg query {given}" if folder.suffix == ".rq" else ""
            raise QueryFileError(f"{given}: not a folder: --queries takes a folder of .rq files{run}")
        else:
            raise QueryFileError(
                f"{given}: no such query folder: check the path given with --queries or in {QUERIES_ENV}"
            )
    return dirs


def parse_query_file(path: Path) -> QueryFile:
    """Read a query file; a bad header is a QueryFileError starting with ``path:line:``."""
    from kg.sources import display_path

    display = display_path(Path(path).resolve()) if Path(path).is_absolute() else str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise QueryFileError(f"{display}: not UTF-8 (byte {e.start}): save the file as UTF-8") from None
    except OSError as e:
        raise QueryFileError(f"{display}: cannot read: {e.strerror or e}") from None
    return parse_query_text(text, name=Path(path).stem, path=Path(path), display=display)


def parse_query_text(text: str, *, name: str, path: Path, display: str | None = None) -> QueryFile:
    """Parse the text of a query file (``display`` names it in error messages)."""
    from kg.sparqltext import declared_prefixes, parameter_variables, query_form

    display = display or str(path)
    lines = text.split("\n")
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith(HEADER_MARK):
        count += 1
    for number, line in enumerate(lines[count:], start=count + 1):
        if line.lstrip().startswith(HEADER_MARK):
            raise QueryFileError(
                f"{display}:{number}: a {HEADER_MARK} header line below the start of the query: "
                f"move it up into the header (the {HEADER_MARK} lines at the top of the file)"
            )
    header_lines = lines[:count]
    # The whole text, header included: "#+" lines are SPARQL comments, and an engine's line numbers
    # then are the file's.
    sparql = text if text.endswith("\n") else text + "\n"
    header = _cached_header(header_lines, display)

    try:
        form = query_form(sparql)
    except KgError as e:
        raise QueryFileError(f"{display}: {e}") from None
    params = _params(parameter_variables(sparql))
    query = QueryFile(
        name=name,
        path=path,
        summary=header.get("summary", ""),
        description=header.get("description", ""),
        tags=header.get("tags", []),
        questions=header.get("questions", []),
        defaults=header.get("defaults", {}),
        expect=header.get("expect"),
        sparql=sparql,
        params=params,
        form=form,
        header="\n".join(header_lines),
        prefixes=declared_prefixes(sparql),
    )
    for default in query.defaults:
        if query.param(default) is None:
            line = header.get("_default_lines", {}).get(default, 1)
            raise QueryFileError(
                f"{display}:{line}: defaults names {default!r}, which is not a parameter of the query"
                f"{_did_you_mean(default, [p.name for p in params])}: "
                f"{_params_sentence(params)}"
            )
    return query


# --- the header ---------------------------------------------------------------------------------

# Parsed headers are kept in the cache folder, keyed by the header's text: a cold `kg query` then
# needs no YAML parser (importing PyYAML and parsing one header costs about as much as the query).
HEADER_CACHE = "query-headers.json"
HEADER_CACHE_VERSION = "2"  # bump when _parse_header's output changes
HEADER_CACHE_SIZE = 1000


def _cached_header(lines: list[str], display: str) -> dict[str, Any]:
    """``_parse_header``, through the cache; only headers that parsed without error are kept."""
    if not lines:
        return {}
    # The text itself is the key (a hash would cost importing hashlib's OpenSSL, ~3 ms, on every query).
    key = f"{HEADER_CACHE_VERSION}\0" + "\n".join(lines)
    path = _header_cache_path()
    cached = _load_header_cache(path)
    hit = cached.get(key)
    if isinstance(hit, dict):
        return hit
    header = _parse_header(lines, display)
    if path is not None:
        import json

        if len(cached) >= HEADER_CACHE_SIZE:
            cached.clear()
        cached[key] = header
        _write_quietly(path, json.dumps(cached, ensure_ascii=False))
    return header


_loaded_caches: dict[Path, dict[str, Any]] = {}


def _load_header_cache(path: Path | None) -> dict[str, Any]:
    """The cache file's entries, read once per process (``kg list`` reads every header)."""
    if path is None:
        return {}
    if path not in _loaded_caches:
        import json

        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        _loaded_caches[path] = cached if isinstance(cached, dict) else {}
    return _loaded_caches[path]


def _header_cache_path() -> Path | None:
    from kg.compile import cache_dir

    try:
        return cache_dir() / HEADER_CACHE
    except (OSError, RuntimeError):  # no home folder: parse every time
        return None


def _write_quietly(path: Path, text: str) -> None:
    """Write ``path`` atomically; a cache that cannot be written is only slower, never an error."""
    import os
    import tempfile

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".query-headers-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _parse_header(lines: list[str], display: str) -> dict[str, Any]:
    """The header's values, checked; ``_default_lines`` maps each default to its line number."""
    if not lines:
        return {}
    import yaml

    # Strip "#+" and one space, so YAML columns are the file's columns minus the same amount on every line.
    stripped: list[str] = []
    shift: list[int] = []
    for line in lines:
        rest = line.lstrip()[len(HEADER_MARK) :]
        cut = len(line) - len(rest)
        if rest.startswith(" "):
            rest, cut = rest[1:], cut + 1
        stripped.append(rest)
        shift.append(cut)
    text = "\n".join(stripped)
    try:
        loader = yaml.SafeLoader(text)  # its reader refuses control characters at once
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position)
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1 + shift[line]
        raise QueryFileError(
            f"{display}:{line + 1}:{column}: the {HEADER_MARK} header holds the control character "
            f"U+{e.character:04X}, which YAML does not allow: remove it"
        ) from None
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        raise _yaml_error(e, stripped, shift, display) from None
    except yaml.YAMLError as e:
        raise QueryFileError(f"{display}:1: the {HEADER_MARK} header is not valid YAML: {e}") from None
    finally:
        loader.dispose()
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QueryFileError(
            f"{display}:1: the {HEADER_MARK} header must be a set of `key: value` lines "
            f"({', '.join(HEADER_KEYS)})"
        )

    lines_of: dict[Any, int] = {}
    for key_node, value_node in node.value:
        lines_of[key_node.value] = key_node.start_mark.line + 1
        if key_node.value == "defaults" and isinstance(value_node, yaml.SequenceNode):
            for item in value_node.value:
                if isinstance(item, yaml.MappingNode):
                    for k, _ in item.value:
                        lines_of[("defaults", k.value)] = k.start_mark.line + 1
        if key_node.value == "expect" and isinstance(value_node, yaml.MappingNode):
            for k, _ in value_node.value:
                lines_of[("expect", k.value)] = k.start_mark.line + 1

    def fail(key: Any, problem: str) -> QueryFileError:
        return QueryFileError(f"{display}:{lines_of.get(key, 1)}: {problem}")

    for key in value:
        if key not in HEADER_KEYS:
            raise fail(
                key,
                f"unknown header key {key!r}{_did_you_mean(str(key), HEADER_KEYS)}: "
                f"the keys are {', '.join(HEADER_KEYS)}",
            )
    result: dict[str, Any] = {
        "_default_lines": {
            k[1]: n for k, n in lines_of.items() if isinstance(k, tuple) and k[0] == "defaults"
        }
    }
    for key in ("summary", "description"):
        if key in value:
            if not isinstance(value[key], str):
                raise fail(key, f'{key} must be one line of text: write it in quotes, {key}: "..."')
            result[key] = value[key].strip()
    for key in ("tags", "questions"):
        if key in value:
            items = value[key]
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
                raise fail(key, f"{key} must be a list of text: write it as [a, b] or as `- item` lines")
            result[key] = [str(i) for i in items]
    if "defaults" in value:
        result["defaults"] = _defaults(value["defaults"], lambda problem: fail("defaults", problem))
    if "expect" in value:
        result["expect"] = _expect(value["expect"], lambda key, problem: fail(key, problem))
    return result


def _defaults(value: Any, fail: Callable[[str], QueryFileError]) -> dict[str, str]:
    """grlc writes defaults as a list of one-key mappings; a plain mapping is accepted too."""
    if value is None:
        return {}
    items = value if isinstance(value, list) else [value]
    defaults: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise fail("defaults must be `- name: value` lines (one per parameter), or [] for none")
        for name, default in item.items():
            if isinstance(default, dict | list) or default is None:
                raise fail(f"the default of {name!r} must be one value, such as ekg:TheAwakening")
            defaults[str(name)] = _scalar_text(default)
    return defaults


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expect(value: Any, fail: Callable[[Any, str], QueryFileError]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail("expect", f"expect must be a mapping with one of: {', '.join(EXPECT_KEYS)}")
    for key in value:
        if key not in EXPECT_KEYS:
            raise fail(
                ("expect", key),
                f"unknown expect key {key!r}{_did_you_mean(str(key), EXPECT_KEYS)}: "
                f"the keys are {', '.join(EXPECT_KEYS)}",
            )
    if "rows" in value:
        rows = value["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise fail(("expect", "rows"), "expect rows must be a list of {variable: value} mappings")
    if "count" in value and (not isinstance(value["count"], int) or isinstance(value["count"], bool)):
        raise fail(("expect", "count"), "expect count must be a whole number")
    for key in ("empty", "nonEmpty"):
        if key in value and not isinstance(value[key], bool):
            raise fail(("expect", key), f"expect {key} must be true or false")
    return value


def _yaml_error(error: Any, stripped: list[str], shift: list[int], display: str) -> QueryFileError:
    mark = error.problem_mark or error.context_mark
    line = mark.line if mark is not None else 0
    column = mark.column if mark is not None else 0
    line = min(line, len(stripped) - 1)
    where = f"{display}:{line + 1}:{column + 1 + shift[line]}"
    problem = (error.problem or str(error)).strip()
    context = error.context_mark
    if error.context and context is not None and error.problem_mark is not None and context.line != line:
        # e.g. an unclosed "[": say where it opened, not only where YAML noticed
        problem += f", {error.context} at line {context.line + 1}"
    source = stripped[line]
    if problem.startswith("mapping values are not allowed"):
        key, _, rest = source.partition(":")
        fix = (
            f'{key.strip()}: "{rest.strip()}"'
            if key.strip() and ":" in rest
            else 'key: "value: with a colon"'
        )
        return QueryFileError(
            f"{where}: a ':' inside a value breaks the YAML header: put the value in quotes, as in #+ {fix}"
        )
    return QueryFileError(
        f"{where}: the {HEADER_MARK} header is not valid YAML ({problem}): "
        'correct it; put text holding ":", "#", "[" or "{" in quotes'
    )


# --- parameters ---------------------------------------------------------------------------------


def _params(variables: Sequence[str]) -> list[Param]:
    params: dict[str, Param] = {}
    for variable in variables:
        param = parse_param(variable)
        if param is not None and param.name not in params:
            params[param.name] = param
    return list(params.values())


def parse_param(variable: str) -> Param | None:
    """``_stage_iri`` -> the required IRI parameter ``stage``; ``__stance_iri`` -> optional; else None."""
    if not variable.startswith("_"):
        return None
    required = not variable.startswith("__")
    body = variable[1:] if required else variable[2:]
    kind = "literal"
    base, _, suffix = body.rpartition("_")
    if base and suffix in TYPES:
        body, kind = base, suffix
    if not body:
        return None
    return Param(name=body, variable=variable, type=kind, required=required)


def bind_parameters(
    query: QueryFile,
    given: Mapping[str, str],
    resolve_label: Callable[[str], str | None] | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
    use_defaults: bool = True,
) -> dict[str, str]:
    """Values for the query's parameters as N-Triples terms, by variable name (without ``?``).

    A parameter not given takes its default from the header (unless not
    ``use_defaults``); a required one with neither is an error that lists the
    parameters. IRI parameters accept a prefixed name (the query's PREFIXes,
    then ``prefixes``, the store's), ``<iri>``, an http(s) IRI, or a label
    (``resolve_label(text)`` -> IRI or None).
    """
    by_name = {p.name: p for p in query.params}
    for name in given:
        if name not in by_name:
            if not query.params:
                raise KgError(f'query "{query.name}" takes no parameters: drop -p {name}')
            raise KgError(
                f'query "{query.name}" has no parameter "{name}"'
                f"{_did_you_mean(name, list(by_name))}: {_params_sentence(query.params)}"
            )
    all_prefixes = {**(prefixes or {}), **query.prefixes}
    bindings: dict[str, str] = {}
    for param in query.params:
        if param.name in given:
            value = given[param.name]
        elif use_defaults and param.name in query.defaults:
            value = query.defaults[param.name]
        elif param.required:
            raise KgError(
                f'query "{query.name}" needs the parameter "{param.name}" ({param.type}): '
                f"give it with -p {param.name} VALUE; {_params_sentence(query.params)}"
            )
        else:
            continue
        bindings[param.variable] = term_for(param, value, all_prefixes, resolve_label)
    return bindings


def run_query(
    query: QueryFile, engine: Any, given: Mapping[str, str] | None = None, *, use_defaults: bool = True
) -> Result:
    """Bind ``given`` (parameter name -> value as typed) and run ``query`` on ``engine``.

    Labels given for IRI parameters are looked up through the same engine.
    """
    from kg.labels import label_resolver

    bindings = bind_parameters(
        query, given or {}, label_resolver(engine), prefixes=engine.prefixes, use_defaults=use_defaults
    )
    try:
        return engine.run(query.sparql, bindings)
    except KgError as e:
        if not str(e).startswith("SPARQL syntax error"):
            raise
        from kg.sources import display_path

        # The engine's line numbers are the file's (the header lines are comments): name the file.
        raise KgError(f"{display_path(Path(query.path).resolve())}: {e}") from None


def term_for(
    param: Param,
    value: str,
    prefixes: Mapping[str, str],
    resolve_label: Callable[[str], str | None] | None = None,
) -> str:
    """``value`` as the N-Triples term its type calls for, or a KgError (``-p NAME: ...``) saying why not."""
    try:
        return _term(param, value, prefixes, resolve_label)
    except KgError as e:
        message = str(e)
        raise KgError(message if message.startswith("-p ") else f"-p {param.name}: {message}") from None


def _term(
    param: Param,
    value: str,
    prefixes: Mapping[str, str],
    resolve_label: Callable[[str], str | None] | None,
) -> str:
    from kg.terms import expand_curie, nt_iri, nt_literal

    if param.type == "iri":
        text = value.strip()
        if text.startswith("<") and text.endswith(">"):
            return nt_iri(text[1:-1])
        if re.match(_IRI_SCHEME, text, re.I) and not _known_prefix(text, prefixes):
            return nt_iri(text)
        expanded = expand_curie(text, prefixes)
        if expanded is not None:
            return nt_iri(expanded)
        iri = resolve_label(text) if resolve_label is not None else None
        if iri is not None:
            return nt_iri(iri)
        if re.match(_LABEL_LIKE, text) and " " not in text:
            prefix = text.split(":", 1)[0]
            raise KgError(
                f'unknown prefix "{prefix}:" in {text!r}'
                f"{_did_you_mean(prefix, list(prefixes), quote=True, suffix=':')}: "
                "use a declared prefix (such as ekg:), a full IRI or a label"
            )
        raise KgError(
            f"nothing is labelled {text!r}: give a label as written in the graph, "
            "a prefixed name such as ekg:TheAwakening, or a full IRI"
        )
    if param.type == "integer":
        if not re.fullmatch(_INTEGER, value.strip()):
            raise KgError(f"{value!r} is not a whole number: give digits, such as 3")
        return nt_literal(value.strip(), datatype=XSD + "integer")
    if param.type == "decimal":
        if not re.fullmatch(_DECIMAL, value.strip()):
            raise KgError(f"{value!r} is not a number: give a decimal number, such as 40 or 2.5")
        return nt_literal(value.strip(), datatype=XSD + "decimal")
    if param.type == "en":
        return nt_literal(value, lang="en")
    return nt_literal(value)


def _known_prefix(text: str, prefixes: Mapping[str, str]) -> bool:
    return text.split(":", 1)[0] in prefixes


def _params_sentence(params: Sequence[Param]) -> str:
    if not params:
        return "the query takes no parameters"
    return "its parameters are " + ", ".join(describe_param(p) for p in params)


def describe_param(param: Param) -> str:
    """``stage (iri, required)``."""
    return f"{param.name} ({param.type}, {'required' if param.required else 'optional'})"


def with_tags(queries: Sequence[QueryFile], tags: Sequence[str]) -> list[QueryFile]:
    """The queries that have every one of ``tags``; an unknown tag is a KgError listing the tags."""
    known = sorted({t for q in queries for t in q.tags})
    for tag in tags:
        if tag not in known:
            raise KgError(
                f'no query has the tag "{tag}"{_did_you_mean(tag, known)}: the tags are {", ".join(known)}'
            )
    return [q for q in queries if all(t in q.tags for t in tags)]
