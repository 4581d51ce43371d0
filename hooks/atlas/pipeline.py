"""The catalog pipeline, read top to bottom: list the files -> read them -> check them -> build the Catalog.

``load_catalog`` is the one entry point of scripts/validate.py, the MkDocs hooks and the
tests. It returns every problem at once, sorted by file and line, and a Catalog only when
there is none. Reading and the file rules go through the one cache of whole results
(atlas.cache); nothing else calls the steps in another order.
"""
from __future__ import annotations

import marshal
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

from atlas import validate
from atlas.bibliography import MAX_BYTES as BIB_MAX_BYTES
from atlas.bibliography import read_bibliography
from atlas.cache import Cache, digest, file_stat, stamp
from atlas.files import SpecialFile, read_regular, refusal, special_entries
from atlas.load import MAX_BYTES, Document, decode
from atlas.page_paths import SHARED_KINDS, Claim, page_path_problems
from atlas.problems import Problem, one_line
from atlas.records import Catalog, Reference
from atlas.schema import SCHEMA_DIR

# Below this many files to check afresh, a second process costs more than it saves.
PARALLEL_MIN_FILES = 400
# The second process's share of them: this one also reads the bibliography meanwhile.
WORKER_SHARE = 0.85
MAPPINGS = ("organizations", "techniques", "families", "benchmarks")
T = TypeVar("T")


@dataclass(frozen=True)
class Paths:
    """Where the catalog lives, relative to the repository root."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    @property
    def models(self) -> Path:
        return self.catalog / "models"

    @property
    def bibliography(self) -> Path:
        return self.catalog / "references.bib"

    def display(self, path: Path) -> str:
        """``path`` relative to the root; a link is named as itself, never as its target."""
        plain = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):
            try:
                return plain.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()


@dataclass(frozen=True)
class Source:
    """One catalog file to read: its kind (model, or a shared file's name), where it is, and how it is named in messages."""

    kind: str
    file: str
    display: str
    entry: os.DirEntry | None = None  # for a file found in catalog/models: its stat costs no second system call
    model_id: str = ""


def load_catalog(
    root: Path, only: Iterable[Path] | None = None, extra: Iterable[Path] = (), cache_dir: Path | None = None, build: bool = True,
    cache: Cache | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Load, check and cross-link the catalog under ``root``.

    ``extra`` adds model files from outside catalog/models (validate.py given new paths).
    ``only`` limits the reported problems to those files (the whole catalog is still read,
    since the catalog rules need it). With ``build=False`` only the problems are wanted.
    Results are kept in the cache in ``cache_dir``, or in ``cache`` (which the caller saves again later).
    """
    paths = Paths(root)
    # Every file is checked against the schema: if it is a link, nothing can be checked.
    refused = [Problem(paths.display(path), 1, "file", why) for path, why in special_entries(SCHEMA_DIR)]
    if refused:
        return None, refused
    cache = cache or Cache(cache_dir, stamp(SCHEMA_DIR))
    try:
        sources, problems = list_files(paths, extra)
        checked, (references, bib_problems) = read_files(sources, cache, partial(read_references, paths, cache))
        problems += [p for s in sources for p in checked[s.display].problems] + bib_problems
        context = _context(sources, checked, references, bib_problems)
        wanted = {paths.display(Path(p)) for p in only} if only is not None else None
        problems += validate.catalog_problems(context, {kind: checked[kind].document for kind in MAPPINGS}, wanted)
        problems += page_path_problems(_claims(sources, checked, context))
        problems += [Problem(d.path, line, name, message) for d in context.documents.values() for name, line, message in validate.future_rule(d, validate.today())]
        problems = sorted(set(_reported(problems, wanted, context, paths)))
        if problems or not build:
            return None, problems
        models = {model_id: (document.path, document.data) for model_id, document in context.documents.items()}
        return Catalog.build(models, {kind: checked[kind].document.data for kind in MAPPINGS}, references), []
    finally:
        cache.save()


def list_files(paths: Paths, extra: Iterable[Path]) -> tuple[list[Source], list[Problem]]:
    """Every catalog file to read, and the problems of file names (a model's id is its file name)."""
    sources = [Source(kind, str(paths.catalog / f"{kind}.yaml"), f"catalog/{kind}.yaml") for kind in MAPPINGS]
    # Links and special files anywhere under catalog/ (the schema folder too) are named and never read.
    special = {path: why for path, why in special_entries(paths.catalog)}
    problems = [Problem(paths.display(path), 1, "file", why) for path, why in special.items()]
    models_dir = paths.display(paths.models)
    # os.scandir knows which entries are plain files, so 10,000 files need no stat or resolve each.
    entries = sorted(os.scandir(paths.models), key=lambda e: e.name) if paths.models.is_dir() else []
    found = [(e.name, e.path, f"{models_dir}/{e.name}", e if e.is_file(follow_symlinks=False) else None) for e in entries]
    known = {os.path.abspath(path) for _, path, _, _ in found} if extra else set()
    found += [(Path(p).name, str(p), paths.display(Path(p)), None) for p in extra if os.path.abspath(p) not in known]
    ids: dict[str, str] = {}
    for name, file, display, entry in found:
        if Path(file) in special:
            continue
        why = refusal(file, os.lstat(file)) if entry is None and os.path.lexists(file) else None
        if why is not None:  # a file given from outside catalog/
            problems.append(Problem(display, 1, "file", why))
            continue
        if name.startswith(".") or (entry is None and os.path.isdir(file)):
            continue
        refused = [Problem(display, line, field, message) for field, line, message in validate.file_name_rule(name)]
        if refused:
            problems += refused
            continue
        model_id = name[: -len(".yaml")]
        if model_id in ids:
            problems.append(Problem(display, 1, "id", f"duplicate id: {ids[model_id]} already defines {model_id!r}"))
            continue
        ids[model_id] = display
        sources.append(Source("model", file, display, entry, model_id))
    return sources, problems


# A checked file as plain data for the cache: (the catalog-wide fields, the marshalled data,
# the marshalled line of each key, the problems, passed the schema).
Stored = tuple[Any, bytes, bytes, tuple[tuple[str, int, str, str], ...], bool]


class _Lines(dict):  # type: ignore[type-arg]
    """The line of each key of a cached file, unmarshalled on first use: most files never need one."""

    def __init__(self, packed: bytes) -> None:
        super().__init__()
        self._packed: bytes | None = packed

    def _fill(self) -> None:
        if self._packed is not None:
            packed, self._packed = self._packed, None
            self.update(marshal.loads(packed))

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> int:
        self._fill()
        return super().__getitem__(key)


class _Data(Mapping):  # type: ignore[type-arg]
    """A cached file's data: the catalog-wide fields at hand, the whole of it unmarshalled on first use of another field."""

    __slots__ = ("_index", "_packed", "_full")

    def __init__(self, index: dict[str, Any], packed: bytes) -> None:
        self._index = index
        self._packed = packed
        self._full: dict[str, Any] | None = None

    def _all(self) -> dict[str, Any]:
        if self._full is None:
            self._full = marshal.loads(self._packed)
        return self._full

    def __getitem__(self, key: str) -> Any:
        if key in validate.CATALOG_FIELDS and self._full is None:
            return self._index[key]
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _check(kind: str, raw: bytes | None, display: str, unreadable: list[Problem]) -> Stored:
    """Read and run the file rules on one file's bytes: the value the cache keeps."""
    if raw is None:
        text, problems = None, unreadable
    else:
        text, problems = decode(raw, display)
    checked = validate.check_model(text, problems, display) if kind == "model" else validate.check_mapping(text, problems, display, kind)
    document = checked.document
    plain = tuple((p.path, p.line, p.field, p.message) for p in checked.problems)
    if document is None:
        return None, b"", b"", plain, False
    data = document.data
    index = {name: data[name] for name in validate.CATALOG_FIELDS if name in data} if kind == "model" else None
    return index, marshal.dumps(data), marshal.dumps(document.lines), plain, checked.passed


def _read(file: str, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ``file``, up to one byte past the size limit."""
    try:
        return read_regular(file, MAX_BYTES + 1), []
    except SpecialFile as exc:
        return None, [Problem(display, 1, "file", str(exc))]
    except FileNotFoundError:
        return None, [Problem(display, 1, "file", "is missing")]
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror}")]


def _fresh(items: list[tuple[str, str, str]]) -> list[tuple[Any, bytes, Stored]]:
    """(stat, hash, value) of each (kind, file, display): the files the cache could not answer."""
    out = []
    for kind, file, display in items:
        try:
            status: Any = file_stat(os.lstat(file))
        except OSError:
            status = None
        raw, unreadable = _read(file, display)
        out.append((status, digest(raw) if raw is not None else b"", _check(kind, raw, display, unreadable)))
    return out


def read_files(sources: list[Source], cache: Cache, meanwhile: Callable[[], T]) -> tuple[dict[str, validate.Checked], T]:
    """Each file as read and checked, by display path (the shared files also by kind), through the cache.

    ``meanwhile`` (reading the bibliography) runs while a second process checks files, if there are many to check.
    """
    values: dict[str, Stored] = {}
    todo: list[Source] = []
    for source in sources:
        try:
            status = file_stat(source.entry.stat(follow_symlinks=False) if source.entry is not None else os.lstat(source.file))
        except OSError:
            status = None
        value = cache.trusted(source.kind, source.display, status) if status is not None else None
        if value is None:
            raw, _ = _read(source.file, source.display) if status is not None else (None, [])
            value = cache.get(source.kind, source.display, status, digest(raw)) if raw is not None else None
        if value is None:
            todo.append(source)
        else:
            values[source.display] = value
    fresh, beside = _check_all([(s.kind, s.file, s.display) for s in todo], meanwhile)
    for source, (status, content, value) in zip(todo, fresh):
        if status is not None and content:
            cache.put(source.kind, source.display, status, content, value)
        values[source.display] = value
    checked = {}
    for source in sources:
        index, data, lines, plain, passed = values[source.display]
        if not data:
            document = None
        elif index is None:  # a shared file: read whole, by every rule
            document = Document(source.display, marshal.loads(data), _Lines(lines))
        else:
            document = Document(source.display, _Data(index, data), _Lines(lines))
        checked[source.display] = validate.Checked(document, tuple(Problem(*p) for p in plain), passed)
        if source.kind in MAPPINGS:
            checked[source.kind] = checked[source.display]
    return checked, beside


def _check_all(items: list[tuple[str, str, str]], meanwhile: Callable[[], T]) -> tuple[list[tuple[Any, bytes, Stored]], T]:
    """``_fresh`` of every item and the result of ``meanwhile``; with many items, most of them in a second process.

    The process is forked, so nothing is imported twice; this one runs ``meanwhile`` and the rest.
    """
    if len(items) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _fresh(items), meanwhile()
    from concurrent.futures import ProcessPoolExecutor

    split = int(len(items) * WORKER_SHARE)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(_fresh, items[:split])
        beside = meanwhile()
        rest = _fresh(items[split:])
        try:
            first = future.result()
        except Exception:  # noqa: BLE001  (a worker that died: this process checks its files itself)
            first = _fresh(items[:split])
    return first + rest, beside


def read_references(paths: Paths, cache: Cache) -> tuple[dict[str, Reference], list[Problem]]:
    """references.bib read and checked, through the cache."""
    display = paths.display(paths.bibliography)
    try:
        raw = read_regular(paths.bibliography, BIB_MAX_BYTES + 1)
    except FileNotFoundError:
        raw = b""
    except OSError as exc:  # a link or a special file, named by the scan of catalog/ too
        return {}, [Problem(display, 1, "file", str(exc) if isinstance(exc, SpecialFile) else f"cannot be read: {exc.strerror}")]
    content = digest(raw)
    stored = cache.get("bibliography", display, None, content)
    if stored is None:
        references, problems = read_bibliography(raw, display)
        stored = (tuple(tuple(vars(r).values()) for r in references.values()), tuple((p.path, p.line, p.field, p.message) for p in problems))
        cache.put("bibliography", display, None, content, stored)
    entries, plain = stored
    return {entry[0]: Reference(*entry) for entry in entries}, [Problem(*p) for p in plain]


def _context(sources: list[Source], checked: dict[str, validate.Checked], references: dict[str, Reference], bib_problems: list[Problem]) -> validate.Context:
    models = [s for s in sources if s.kind == "model"]
    return validate.Context(
        documents={s.model_id: checked[s.display].document for s in models if checked[s.display].passed},
        model_ids={s.model_id for s in models},
        shared={kind: checked[kind].document.data if checked[kind].passed else None for kind in MAPPINGS},
        references=None if bib_problems else references,
    )


def _claims(sources: list[Source], checked: dict[str, validate.Checked], context: validate.Context) -> Iterator[Claim]:
    """Every id that gets a page: each model file, and each key of a shared file that passed its checks."""
    for source in sources:
        if source.kind == "model":
            yield "model", source.model_id, source.display, 1, "id"
    for kind, singular in SHARED_KINDS.items():
        document = checked[kind].document
        if context.shared[kind] is not None and document is not None:
            for key in document.data:
                yield singular, key, document.path, document.line((key,)), key


def _reported(problems: list[Problem], wanted: set[str] | None, context: validate.Context, paths: Paths) -> list[Problem]:
    """With ``only``, the problems of those files, and of the BibTeX entries they cite (a stub left by the scaffold must show)."""
    if wanted is None:
        return problems
    cited = {ref for doc in context.documents.values() if doc.path in wanted for _, ref in validate.model_refs(doc.data)}
    bib_path = paths.display(paths.bibliography)
    printed = {one_line(path) for path in wanted}  # as problems name them
    return [p for p in problems if p.path in printed or (p.path == bib_path and p.field.split(".")[0] in cited)]
