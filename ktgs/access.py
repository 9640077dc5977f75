"""Access levels of documents, roles of users and what each role may see and do.

Levels, lowest first: `cong-khai` (public) < `noi-bo` (internal) < `mat` (confidential); the old
values public/internal/confidential map onto them. A document may also name groups (e.g. the unit
that owns a case file): then only users of one of those groups see it, whatever their role.

Every unit carries its document's level and an `acl` list in the store payload (the groups, or
["*"] when the document has none), both with a keyword payload index; a user's query carries a
`must` filter on both (Qdrant's multitenancy pattern). No viewer (None) is the single-user local
default: everything is visible.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlparse

from ktgs.errors import AccessError
from ktgs.index.store import SearchFilters

LEVELS = ("cong-khai", "noi-bo", "mat")
LEGACY = {"public": "cong-khai", "internal": "noi-bo", "confidential": "mat"}
LEVEL_NAMES = {"cong-khai": "công khai", "noi-bo": "nội bộ", "mat": "mật"}
ROLES = ("hoc-vien", "can-bo", "giang-vien", "quan-tri")
ROLE_NAMES = {"hoc-vien": "học viên", "can-bo": "cán bộ", "giang-vien": "giảng viên", "quan-tri": "quản trị"}
DEFAULT_RIGHTS = "hoc-vien=cong-khai;giang-vien=cong-khai,noi-bo;can-bo=cong-khai,noi-bo,mat;quan-tri=cong-khai,noi-bo,mat"
PUBLIC_ACL = "*"
FOLDER_FILE = ".ktgs-access"     # per-folder default: lines "access: noi-bo" and "groups: ubkt-a,ubkt-b"
# What each role may do besides reading (the UI shows only these tabs/buttons).
ACTIONS = {
    "ingest": ("can-bo", "giang-vien", "quan-tri"),
    "eval": ("can-bo", "giang-vien", "quan-tri"),
    "manage": ("quan-tri",),       # users, access levels, audit view
}


def level(value: Any) -> str:
    """'noi-bo', 'internal', ' Nội bộ ' -> 'noi-bo'; an unknown value is an AccessError."""
    from ktgs.ingest.text import fold_diacritics

    raw = str(value or "").strip()
    key = "-".join(fold_diacritics(raw).lower().replace("_", " ").replace("-", " ").split())
    key = LEGACY.get(key, key)
    if key not in LEVELS:
        raise AccessError(f"mức truy cập {raw!r} không hợp lệ; chọn một trong: {', '.join(LEVELS)}")
    return key


def rank(value: str) -> int:
    return LEVELS.index(level(value))


def groups_of(value: Any) -> tuple[str, ...]:
    """'a, b' or ['a', 'b'] -> ('a', 'b') (sorted, unique, blanks dropped)."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(sorted({str(g).strip() for g in items if str(g).strip()}))


def acl(groups: Iterable[str]) -> list[str]:
    """The payload `acl` of a document: its groups, or ['*'] when anyone of the right level may see it."""
    return list(groups_of(groups)) or [PUBLIC_ACL]


def role(value: str) -> str:
    if value not in ROLES:
        raise AccessError(f"vai trò {value!r} không hợp lệ; chọn một trong: {', '.join(ROLES)}")
    return value


def rights(settings: Any) -> dict[str, tuple[str, ...]]:
    """role -> levels it may see, from settings.access_rights ('role=l1,l2;role=…')."""
    spec = getattr(settings, "access_rights", "") or DEFAULT_RIGHTS
    out: dict[str, tuple[str, ...]] = {}
    for part in spec.split(";"):
        if not part.strip():
            continue
        name, _, levels = part.partition("=")
        out[role(name.strip())] = tuple(sorted({level(v) for v in levels.split(",") if v.strip()}, key=LEVELS.index))
    missing = [r for r in ROLES if r not in out]
    if missing:
        raise AccessError(f"access_rights thiếu vai trò: {', '.join(missing)}")
    return out


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user name, a role, the levels that role sees and the user's groups."""

    name: str
    role: str
    levels: tuple[str, ...]
    groups: tuple[str, ...] = ()

    def can_see(self, access: str, groups: Iterable[str] = ()) -> bool:
        try:
            lvl = level(access)
        except AccessError:
            return False              # an unreadable level is never shown
        doc_groups = groups_of(groups)
        return lvl in self.levels and (not doc_groups or bool(set(doc_groups) & set(self.groups)))

    def sees(self, document: Any) -> bool:
        return document is not None and self.can_see(document.access, getattr(document, "groups", ()))

    def may(self, action: str) -> bool:
        return self.role in ACTIONS.get(action, ())

    @property
    def store_conditions(self) -> dict[str, list[str]]:
        """The payload conditions every store query of this viewer must carry."""
        legacy = [old for old, new in LEGACY.items() if new in self.levels]
        return {"access": list(self.levels) + legacy, "acl": [PUBLIC_ACL, *self.groups]}


def viewer(name: str, role_name: str, groups: Iterable[str], settings: Any) -> Viewer:
    return Viewer(name, role(role_name), rights(settings)[role_name], groups_of(groups))


def restrict(filters: SearchFilters | None, who: Viewer | None) -> SearchFilters | None:
    """`filters` narrowed to what `who` may see (an access filter already there is intersected)."""
    if who is None:
        return filters
    filters = filters or SearchFilters()
    allowed = who.store_conditions["access"]
    if filters.access:
        asked = [filters.access] if isinstance(filters.access, str) else list(filters.access)
        asked_levels = {LEGACY.get(a, a) for a in asked}
        allowed = [a for a in allowed if LEGACY.get(a, a) in asked_levels] or ["__none__"]
    return dataclasses.replace(filters, access=allowed, acl=who.store_conditions["acl"])


# --- levels set at ingest ----------------------------------------------------------------------
def folder_default(path: str | Path) -> tuple[str | None, tuple[str, ...] | None]:
    """(level, groups) of the nearest `.ktgs-access` in the file's folder or one above it."""
    p = Path(path).resolve()
    for folder in [p.parent, *p.parent.parents]:
        f = folder / FOLDER_FILE
        if f.is_file():
            return parse_access_file(f.read_text(encoding="utf-8"), str(f))
    return None, None


def parse_access_file(text: str, where: str = FOLDER_FILE) -> tuple[str | None, tuple[str, ...] | None]:
    lvl, groups = None, None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep or line.lstrip().startswith("#"):
            continue
        key = key.strip().lower()
        if key == "access":
            lvl = level(value)
        elif key == "groups":
            groups = groups_of(value)
        else:
            raise AccessError(f"{where}: khóa {key!r} không hợp lệ (chỉ có access, groups)")
    return lvl, groups


def ingest_access(document: Any, path: str | Path, cli_level: str | None = None,
                  cli_groups: Iterable[str] | None = None,
                  override: tuple[str, tuple[str, ...]] | None = None) -> tuple[str, tuple[str, ...]]:
    """The level and groups a newly parsed document gets.

    A change made later with `ktgs doc access` (override) wins. Otherwise the level is the MOST
    RESTRICTIVE of the front matter (`access:`), the folder's `.ktgs-access` and `--access`, so a
    batch flag never lowers a file marked `mat`; groups come from the most specific source that
    names some (front matter, then --groups, then the folder).
    """
    if override is not None:
        return override
    folder_level, folder_groups = folder_default(path)
    front = document.access if document.access not in ("", "public") else None   # "public" = not said
    given = [level(v) for v in (front, folder_level, cli_level) if v]
    lvl = max(given, key=LEVELS.index) if given else "cong-khai"
    front_groups = groups_of(document.metadata.get("groups")) if document.metadata else ()
    groups = front_groups or groups_of(cli_groups) or (folder_groups or ())
    return lvl, groups


# --- LLM endpoints -----------------------------------------------------------------------------
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def endpoint_is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.")


def _llm_may_see_mat(settings: Any, mode: str) -> bool:
    return mode != "openai" or getattr(settings, "llm_allow_mat", False) or endpoint_is_local(settings.llm_url)


def for_llm(evidence: list, settings: Any, mode: str) -> list:
    """Evidence an LLM may receive: without `llm_allow_mat`, an endpoint that is not on this
    machine never gets `mat` units (the local llama.cpp model and a loopback endpoint do)."""
    if _llm_may_see_mat(settings, mode):
        return evidence
    return [ev for ev in evidence if ev.document is not None and _level_or_mat(ev.document.access) != "mat"]


def history_for_llm(history: Any, settings: Any, mode: str) -> Any:
    """The conversation a follow-up rewrite may show such an endpoint: an earlier answer that
    rests on a `mat` unit (or whose units are unknown) is sent as its question only."""
    if not history or _llm_may_see_mat(settings, mode):
        return history
    out = []
    for question, answer in history:
        hits = getattr(answer, "hits", None)
        safe = hits is not None and all(h.document is not None and _level_or_mat(h.document.access) != "mat"
                                        for h in hits)
        out.append((question, answer if safe else ""))
    return out


def _level_or_mat(value: str) -> str:
    try:
        return level(value)
    except AccessError:
        return "mat"
