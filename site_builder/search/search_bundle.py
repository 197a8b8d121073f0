"""The search stage: Pagefind's indexer, in-process, turns search records into the
``pagefind/`` bundle the search page loads.

Pagefind runs through its Python API (``pagefind``, with the binary from the
``pagefind_bin`` wheel: nothing is downloaded at run time). Two things in it are fixed
here, each for a reason we measured:

- The Python service reads the binary's answers with a 0.1 s sleep before each one, so
  adding 1,000 records took 100 s. ``_Service`` reads them as they come (0.15 s).
- Pagefind 1.5 writes the values of a filter in hash-map order, so two runs on the same
  records give different filter files (and so a different metadata file and entry). The
  bundle is made canonical afterwards: filter values sorted, files renamed by content.

And one thing is ours: the pages are renamed by what the search page needs to know of a
hit (``page_names``), which with the sort they replace took the metadata every reader
loads first from 471 to 209 KB at 20,000 pages.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import gzip
import hashlib
import itertools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import cbor2
from pagefind.index import IndexConfig, PagefindIndex
from pagefind.service import PagefindService

from ..render.output_file import OutputFile
from ..render.urls import SEARCH_BUNDLE
from .page_names import page_names
from .search_error import SearchIndexError, SearchInterrupted, never_interrupted
from .search_records import SearchRecord, collected

# Records in flight at once: Pagefind's service indexes them concurrently; the bundle does
# not depend on the order they arrive in (pages are numbered by content).
_BATCH = 256
_SIGNATURE = b"pagefind_dcd"
# Pagefind's ready-made interfaces: the search page has its own (static/search.js), and
# unused third-party scripts are not published.
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
# The largest answer the service may send: the whole bundle, base64-encoded.
_ANSWER_LIMIT = 2**31 - 1
_URL_FIRST = _SIGNATURE + b'{"url":"'
_FRAGMENT_HEAD = 4096
_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip stream
_JSON = json.JSONDecoder()
# How often a running indexing asks whether to stop (``interrupted``): an edit in ``serve``
# waits at most this long for the whole index's rebuild to give way.
_LOOK_EVERY = 0.05


def build_search_bundle(
    records: Iterable[SearchRecord],
    language: str,
    interrupted: Callable[[], bool] = never_interrupted,
) -> list[OutputFile]:
    """The Pagefind bundle for ``records`` as files below ``pagefind/``, byte-identical
    for the same records (which may be made as they are indexed: a generator). Every
    record is indexed as ``language`` (the site's): Pagefind searches the index of the
    page's ``lang`` only, so a record in another language would be unreachable from the
    search page. Raises ``SearchInterrupted`` as soon as ``interrupted()`` (asked every
    ``_LOOK_EVERY`` seconds) says so."""
    indexed: list[SearchRecord] = []
    files = index_records(collected(records, indexed), language, interrupted)
    files = {path: data for path, data in files.items() if not path.startswith(_UNUSED)}
    files = canonical_bundle(files, page_names(indexed))
    return [OutputFile(SEARCH_BUNDLE + name, data) for name, data in sorted(files.items())]


def index_records(
    records: Iterable[SearchRecord],
    language: str,
    interrupted: Callable[[], bool] = never_interrupted,
) -> dict[str, bytes]:
    """Pagefind's bundle of ``records``, as it writes it: paths below the bundle, bytes.
    Raises ``SearchIndexError`` when Pagefind fails, ``SearchInterrupted`` when
    ``interrupted()`` said to stop (Pagefind's process is then killed, not waited for)."""
    try:
        return _run_apart(records, language, interrupted)
    except (OSError, RuntimeError, ValueError, asyncio.IncompleteReadError) as problem:
        raise SearchIndexError(f"Pagefind failed: {problem}") from problem


def _run_apart(
    records: Iterable[SearchRecord], language: str, interrupted: Callable[[], bool]
) -> dict[str, bytes]:
    """Run ``_index`` on an event loop of its own. A caller may already run one in this
    thread (an async application, Playwright's sync API in the tests), and asyncio allows
    one loop per thread: then the indexing gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_index(records, language, interrupted))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _index(records, language, interrupted)).result()


async def _index(
    records: Iterable[SearchRecord], language: str, interrupted: Callable[[], bool]
) -> dict[str, bytes]:
    """The bundle in memory: no temporary files (creating thousands of small files costs
    more than indexing on a slow disk), and nothing to clean up when a build stops. While
    Pagefind works, ``interrupted`` is asked every ``_LOOK_EVERY`` seconds; when it says
    stop, Pagefind is killed at once (its answers are no longer wanted)."""
    if interrupted():
        raise SearchInterrupted("an edit came before the search index was made")
    service = await _Service().launch()
    work = asyncio.ensure_future(_indexed(service, records, language))
    try:
        while True:
            done, _ = await asyncio.wait({work}, timeout=_LOOK_EVERY)
            if done:
                return work.result()
            if interrupted():
                raise SearchInterrupted("an edit came while the search index was made")
    finally:
        if work.done() and not work.cancelled():
            await service.close()  # (its answers all came, or it failed: said as it ends)
        else:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            await service.abandon()


async def _indexed(
    service: _Service, records: Iterable[SearchRecord], language: str
) -> dict[str, bytes]:
    config = IndexConfig(force_language=language, write_playground=False)
    index = await service.create_index(config)
    # Each batch is sent before the one before it is awaited: while Pagefind indexes a
    # batch, the next is made (the records may be a generator: at 20,000 pages making
    # them took 2–3 s of this process before Pagefind began).
    sent: list[asyncio.Task[None]] = []
    for batch in _batches(records, _BATCH):
        sending = [asyncio.create_task(_add(index, record, language)) for record in batch]
        await asyncio.gather(*sent)
        sent = sending
    await asyncio.gather(*sent)
    return {str(file["path"]): file["content"] for file in await index.get_files()}


def _batches(records: Iterable[SearchRecord], size: int) -> Iterator[list[SearchRecord]]:
    """``records`` in lists of ``size`` (the last may be shorter), each made when asked."""
    each = iter(records)
    while batch := list(itertools.islice(each, size)):
        yield batch


async def _add(index: PagefindIndex, record: SearchRecord, language: str) -> None:
    await index.add_custom_record(
        url=record.url,
        content=record.content,
        language=language,
        meta=dict(record.meta),
        filters={name: list(values) for name, values in record.filters.items()},
        # No sort: the search page sorts by date by the page names (``page_names``).
    )


class _Service(PagefindService):
    """Pagefind's service without the 0.1 s sleep per answer, with room for the whole
    bundle in one answer (the stock 2 MiB line limit fails on a few thousand pages), and
    failing loudly: if the binary dies, every waiting request gets the error instead of
    hanging."""

    async def launch(self) -> _Service:
        self._backend = await asyncio.create_subprocess_exec(
            self._bin,
            "--service",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=_ANSWER_LIMIT,
        )
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        try:
            while True:
                answer = await self._backend.stdout.readuntil(b",")
                self._resolve(json.loads(base64.b64decode(answer[:-1])))
        except asyncio.CancelledError:
            raise
        except Exception as problem:
            for future in self._responses.values():
                if not future.done():
                    future.set_exception(RuntimeError(f"the Pagefind service stopped: {problem}"))

    async def abandon(self) -> None:
        """Stop the binary now, without waiting for the answers still owed (``close``
        waits up to 5 s for them): the indexing they belong to was given up."""
        for future in self._responses.values():
            future.cancel()
        self._poll_task.cancel()
        with contextlib.suppress(ProcessLookupError):
            self._backend.kill()
        await self._backend.wait()

    def _resolve(self, response: dict[str, Any] | None) -> None:
        if response is None:
            return
        payload = response["payload"]
        message_id = response.get("message_id")
        if message_id is None and payload.get("original_message"):
            message_id = json.loads(payload["original_message"]).get("message_id")
        future = self._responses.get(message_id) if message_id is not None else None
        if future is None or future.done():
            return
        if payload["type"] == "Error":
            future.set_exception(RuntimeError(payload.get("message", "unknown error")))
        else:
            future.set_result(payload)


# --- making the bundle canonical ---------------------------------------------------------


def canonical_bundle(files: dict[str, bytes], names: Mapping[str, str]) -> dict[str, bytes]:
    """``files`` (paths relative to the bundle) with every filter's values sorted, the
    filter and metadata files named by their content, as Pagefind names them
    (``filter/de_1a2b3c4.pf_filter``, ``pagefind.de_1a2b3c4d5e.pf_meta``), and each
    page renamed by ``names`` (by address; ``page_names``)."""
    files = dict(files)
    pages = _renamed_pages(files, names)
    entry = json.loads(files["pagefind-entry.json"])
    for language, details in sorted(entry["languages"].items()):
        renamed: dict[str, str] = {}
        for path in sorted(p for p in files if p.startswith(f"filter/{language}_")):
            name, values = decode_pagefind(files.pop(path))
            data = encode_pagefind([name, sorted(values, key=lambda value: value[0])])
            digest = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
            renamed[path.removeprefix("filter/").removesuffix(".pf_filter")] = digest
            files[f"filter/{digest}.pf_filter"] = data
        meta_path = f"pagefind.{details['hash']}.pf_meta"
        meta = decode_pagefind(files.pop(meta_path))
        # [version, fragments, index chunks, filters [name, file], sorts, meta keys]: a
        # layout we do not know would make renamed filter files unreachable, so stop.
        if sorted(old for _, old in meta[3]) != sorted(renamed):
            raise SearchIndexError(f"Pagefind {meta[0]} wrote metadata in an unknown layout")
        meta[3] = sorted([name, renamed.get(old, old)] for name, old in meta[3])
        meta[1] = [[pages.get(page, page), *rest] for page, *rest in meta[1]]
        data = encode_pagefind(meta)
        details["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        files[f"pagefind.{details['hash']}.pf_meta"] = data
    entry_json = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    files["pagefind-entry.json"] = entry_json.encode("utf-8")
    return files


def _renamed_pages(files: dict[str, bytes], names: Mapping[str, str]) -> dict[str, str]:
    """Rename the fragment files of ``files`` (in place) by ``names``; the new name of
    each page renamed, by its old one."""
    pages: dict[str, str] = {}
    for url, page in bundle_page_ids(list(files.items())).items():
        name = names.get(url)
        if name is not None and name != page:
            pages[page] = name
            files[f"fragment/{name}.pf_fragment"] = files.pop(f"fragment/{page}.pf_fragment")
    return pages


def bundle_page_ids(files: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """The page id of each address, from a bundle's fragment files (path below the
    bundle, bytes): a fragment is named by its page's id and holds its address."""
    ids: dict[str, str] = {}
    for path, data in files:
        if path.startswith("fragment/"):
            url = _fragment_url(data)
            if url is not None:
                ids[url] = path.removeprefix("fragment/").removesuffix(".pf_fragment")
    return ids


def _fragment_url(data: bytes) -> str | None:
    """The address a fragment (gzip: signature, then JSON starting with ``"url"``) holds,
    read from its start: at 20,000 pages, unpacking every fragment whole took 2 s."""
    head = zlib.decompressobj(_GZIP).decompress(data, _FRAGMENT_HEAD)
    if head.startswith(_URL_FIRST):
        with contextlib.suppress(json.JSONDecodeError):  # an address longer than the head
            url, _ = _JSON.raw_decode(head.decode("utf-8", "ignore"), len(_URL_FIRST) - 1)
            return url if isinstance(url, str) else None
    raw = gzip.decompress(data)  # another layout: read it whole
    if not raw.startswith(_SIGNATURE):
        return None
    url = json.loads(raw[len(_SIGNATURE) :]).get("url")
    return url if isinstance(url, str) else None


def decode_pagefind(data: bytes) -> Any:
    """The value of one of Pagefind's binary files (metadata, filter, index chunk)."""
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise SearchIndexError("Pagefind wrote a file in an unknown format")
    return cbor2.loads(raw[len(_SIGNATURE) :])


def encode_pagefind(value: Any) -> bytes:
    """``value`` as Pagefind's binary files hold it (``decode_pagefind`` reads it back)."""
    # mtime=0: a gzip header carries a time stamp, which would differ between builds.
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)
