"""The only source of JSON-LD contexts: an allow-list of context URLs, each pinned by SHA-256.

A context decides what a signed credential *means* (which terms exist, what they map to), so a
verifier that fetched whatever ``@context`` a badge names would let the badge's author redefine
its own claims, and would make the bot fetch arbitrary URLs.  Here:

- a URL outside :data:`PINNED` raises :class:`UnknownContextError` before anything is fetched;
- an allowed context comes from memory, else from the cache directory or the copies shipped in
  ``data/contexts/`` (one file per digest, re-hashed when read), else it is fetched once through
  the verification's :class:`~core.badges.net.fetcher.FetchSession`; its bytes must hash to a pinned
  digest or it is refused (:class:`ContextUnavailableError`) and never used or cached;
- :meth:`ContextStore.import_dir` fills the cache from local files (offline deployments, tests).

pyld would otherwise reach past our loader in two ways, both closed by the options
:func:`core.badges.jsonld.resolver.processing_options` makes from a store: its default loader uses
the network, and its default context resolver shares a module-global cache of resolved contexts
keyed by URL.  pyld's
``BUNDLED_CONTEXTS`` are only served by ``FrozenDocumentLoader``, which we never use.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from cachetools import LRUCache

from core.badges.net.fetcher import FetchError

if TYPE_CHECKING:
    from pyld.resolved_context import ResolvedContext

    from core.badges.net.fetcher import Fetched

log = logging.getLogger(__name__)

JSON_LD_TYPES = ("application/ld+json", "application/json")
MAX_CONTEXT_BYTES = 512 * 1024  # the largest pinned context is ~15 KB; larger files are not contexts
MAX_SHARED_INLINE_CONTEXTS = 256  # the pinned contexts hold about 140 scoped contexts
MAX_PROCESSED_CONTEXTS = 1024  # an OB 3.0 verification makes about 20; each is ~10 KB (shared mappings)

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/"
STATUS_LIST_2021 = "https://w3id.org/vc/status-list/2021/v1"

# (URL, sha256 of the file bytes), in order of preference when several copies of one URL are
# cached.  Sources: ../shared/vectors/contexts/README.md (repository, path and commit of each).
_PINS: tuple[tuple[str, str], ...] = (
    (VC_V1, "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"),
    (VC_V2, "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"),
    (
        "https://www.w3.org/2018/credentials/examples/v1",
        "2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104",
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    (
        "https://w3id.org/security/multikey/v1",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    ),
    ("https://w3id.org/security/jwk/v1", "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
    ),
    (
        "https://www.w3.org/ns/credentials/status/v1",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7",
    ),
    # Two byte-different copies that parse to the same JSON (formatting only), so either is safe.
    (STATUS_LIST_2021, "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160"),
    (STATUS_LIST_2021, "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4"),
    ("https://www.w3.org/ns/did/v1", "adefa50311393eb1bd788a38ac9fe2696c65367928f6996812cd54577394f4da"),
    (OB_V3P0 + "context.json", "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"),
    (OB_V3P0 + "context-3.0.1.json", "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"),
    (OB_V3P0 + "context-3.0.2.json", "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"),
    # 3.0.3: the 1EdTech validator's copy first.  It only adds the top-level terms ``jti`` and
    # ``endorsementJwt``, so it can change a verdict only for a credential that uses them, and then
    # the signature decides: a signer whose context lacked them dropped them, and the signature
    # fails.  The specification repository's copy is the fallback.
    (OB_V3P0 + "context-3.0.3.json", "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84"),
    (OB_V3P0 + "context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    (OB_V3P0 + "extensions.json", "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3"),
    ("https://w3id.org/openbadges/v2", "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d"),
    ("https://w3id.org/openbadges/v1", "406ec07d0e758a41e84bac6361d29e391188492eb25f7efc51bfa19d8b2db810"),
)


def _by_url(pins: tuple[tuple[str, str], ...]) -> Mapping[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for url, digest in pins:
        table[url] = (*table.get(url, ()), digest)
    return MappingProxyType(table)


_PREFERRED: Mapping[str, tuple[str, ...]] = _by_url(_PINS)
PINNED: Mapping[str, frozenset[str]] = MappingProxyType(
    {url: frozenset(digests) for url, digests in _PREFERRED.items()}
)
_URL_BY_DIGEST: Mapping[str, str] = MappingProxyType({digest: url for url, digest in _PINS})

Loader = Callable[[str, dict[str, Any]], dict[str, Any]]


class ContextFetch(Protocol):
    """What the store needs of a :class:`~core.badges.net.fetcher.FetchSession` (which satisfies it)."""

    def get(self, url: str, *, accept: Sequence[str], allow_http: bool = False) -> Fetched: ...


class ContextError(Exception):
    """A context could not be used; ``reason`` is a short sentence safe to show."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


class UnknownContextError(ContextError):
    """The credential names a context that is not on the allow-list: nothing was fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "the credential uses a JSON-LD context this verifier does not know")


class ContextUnavailableError(ContextError):
    """An allowed context could not be obtained intact (offline, fetch failed, hash mismatch)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ContextStore:
    """Pinned contexts, parsed once per process; ``cache_dir`` holds ``<sha256>.json`` files.

    Safe to share across verifications: what it caches was hash-checked, and the per-verification
    network budget lives in the :class:`FetchSession` passed to each call.
    """

    def __init__(self, cache_dir: Path | None, *, shipped_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self._read_dirs = [directory for directory in (cache_dir, shipped_dir) if directory is not None]
        self._documents: dict[str, Any] = {}
        # pyld's resolved-context cache, kept per store (pyld's default is module-global and keyed
        # by URL).  Only pinned URLs are kept, so it stays small.
        self.resolved: PinnedOnlyCache = PinnedOnlyCache()
        # Inline contexts (the type- and property-scoped contexts inside the pinned ones, mostly),
        # keyed by their content: each keeps pyld's processed results, which pyld would otherwise
        # rebuild on every verification.  Bounded, since a badge may bring inline contexts too.
        self.inline: SharedCache[str, ResolvedContext] = SharedCache(MAX_SHARED_INLINE_CONTEXTS)
        # The active contexts pyld makes, keyed by what made them (see core.badges.jsonld.safety).
        self.processed: SharedCache[tuple[str, str, bool, bool, bool], Mapping[str, Any]] = SharedCache(
            MAX_PROCESSED_CONTEXTS
        )

    def get(self, url: str, fetch: ContextFetch | None) -> dict[str, Any]:
        """The parsed context served at ``url`` (a copy: callers and pyld may mutate it)."""
        return copy.deepcopy(self._document(url, fetch))

    def document_loader(self, fetch: ContextFetch | None) -> Loader:
        """A pyld document loader over this store; ``fetch`` may be None (then: cache only)."""

        def load(url: str, options: dict[str, Any]) -> dict[str, Any]:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": self.get(url, fetch),
                "tag": "static",  # lets pyld keep the resolved context in this store's cache
            }

        return load

    def import_dir(self, directory: Path) -> list[tuple[Path, str | None]]:
        """Copy into the cache every file under ``directory`` whose bytes match a pinned digest.

        Returns each file with the URL it was accepted for, or None when it was rejected.
        """
        results: list[tuple[Path, str | None]] = []
        for path in _files(directory):
            data = _read_small(path)
            digest = sha256_hex(data) if data is not None else ""
            url = _URL_BY_DIGEST.get(digest)
            if data is not None and url is not None:
                self._write_cache(digest, data)
                self._forget(url)
                if self.cache_dir is None:  # a memory-only store keeps the imported copy itself
                    self._documents[url] = json.loads(data)
            results.append((path, url))
        return results

    def _document(self, url: str, fetch: ContextFetch | None) -> Any:
        digests = PINNED.get(url)
        if digests is None:
            raise UnknownContextError(url)
        document = self._documents.get(url)
        if document is None:
            document = self._from_cache(url) or self._fetch(url, digests, fetch)
            self._documents[url] = document
        return document

    def _from_cache(self, url: str) -> Any:
        for digest in _PREFERRED[url]:
            for directory in self._read_dirs:
                data = _read_small(directory / f"{digest}.json")
                if data is not None and sha256_hex(data) == digest:  # a damaged file is ignored
                    return json.loads(data)
        return None

    def _fetch(self, url: str, digests: frozenset[str], fetch: ContextFetch | None) -> Any:
        if fetch is None:
            raise ContextUnavailableError(url, "a JSON-LD context is not cached and the network is not used")
        try:
            fetched = fetch.get(url, accept=JSON_LD_TYPES)
        except FetchError as exc:
            raise ContextUnavailableError(
                url, f"a JSON-LD context could not be fetched: {exc.reason}"
            ) from exc
        if fetched.status != 200:
            raise ContextUnavailableError(url, f"a JSON-LD context server answered HTTP {fetched.status}")
        digest = sha256_hex(fetched.body)
        if digest not in digests:
            raise ContextUnavailableError(
                url, "a JSON-LD context server sent a copy that differs from the pinned one"
            )
        try:
            self._write_cache(digest, fetched.body)
        except OSError as exc:  # the copy is good; failing to keep it only costs a fetch next time
            log.warning("could not cache the JSON-LD context %s: %s", url, exc)
        return json.loads(fetched.body)

    def _write_cache(self, digest: str, data: bytes) -> None:
        """Atomic (temporary file + rename), so a crash never leaves a half-written context."""
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.cache_dir, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            Path(temporary).replace(self.cache_dir / f"{digest}.json")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _forget(self, url: str) -> None:
        """Drop a URL's parsed copy so the next use re-reads the cache (a preferred copy may be new)."""
        self._documents.pop(url, None)
        self.resolved.pop(url, None)


_Key = TypeVar("_Key", bound=Hashable)
_Value = TypeVar("_Value")


class SharedCache(Generic[_Key, _Value]):
    """A bounded LRU map that every verification of a process shares, safe across threads (the bot
    may verify on several).  What goes in must be immutable once made: pyld's processed active
    contexts and resolved inline contexts are."""

    def __init__(self, maxsize: int) -> None:
        self._cache: LRUCache[_Key, _Value] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def get(self, key: _Key) -> _Value | None:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: _Key, value: _Value) -> None:
        with self._lock:
            self._cache[key] = value


class PinnedOnlyCache(dict[str, Any]):
    """A resolved-context cache that keeps pinned URLs only: bounded, and never fed by a badge."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key in PINNED:
            super().__setitem__(key, value)


def _files(directory: Path) -> Iterator[Path]:
    return (path for path in sorted(directory.rglob("*")) if path.is_file())


def _read_small(path: Path) -> bytes | None:
    """The file's bytes, or None when it is missing or too large to be a context."""
    try:
        if path.stat().st_size > MAX_CONTEXT_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None
