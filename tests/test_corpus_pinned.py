"""The shared corpus parses to the same units as before real-document support (issue 10): unit
count, number of Điều units and a digest of the ordered unit ids, per file. Two files changed on
purpose and are pinned at their corrected state: luat-thanh-tra-84-2025-QH15.md and the VBHN
112/VBHN-VPQH (its "Chương I NHỮNG QUY ĐỊNH CHUNG" one-line chapters are now chapters, so its Mục
ids gained their Chương; the VBHN's quoted "Điều 218" of Luật Doanh nghiệp is no longer an article).
A file added to the shared corpus later is checked for clean parsing only.

Paragraph-level children of long outline sections (`…/doan-<k>`, issue 17) are added below existing
units: the pinned digest is over the other ids (so none of them was renamed), and the number of
`doan` children is pinned per file beside it."""
from __future__ import annotations

import hashlib
import re

from ktgs.ingest.parse import parse_paths

PINNED = {
    'de-an-giam-sat-thuong-xuyen-2025-2030.txt': (56, 0, '592ca915a304'),
    'huong-dan-06-HD-TW-2025.md': (93, 0, 'a1d59376edd4'),
    'huong-dan-06-HD-UBKTTW-2018.md': (5, 2, '2bcadb41aa70'),
    'huong-dan-09-HD-UBKTTW-2013.md': (4, 0, '603894b1cf58'),
    'huong-dan-11-HD-UBKTTW-2008.md': (5, 0, 'b4c88f36d4ad'),
    'luat-khieu-nai-02-2011-QH13.md': (357, 70, '6adbe5cb5a69'),
    'luat-phong-chong-tham-nhung-36-2018-QH14.md': (561, 96, '83da2c9e6c0c'),
    'luat-thanh-tra-11-2022-QH15.md': (21, 2, 'b96464fae49c'),
    'luat-thanh-tra-84-2025-QH15.md': (489, 64, '6a1a47970a3d'),
    'luat-tiep-cong-dan-42-2013-QH13.md': (228, 36, '62f7ab71be0b'),
    'luat-to-cao-25-2018-QH14.md': (453, 67, '0d03c61180e5'),
    'nghi-dinh-31-2019-ND-CP.md': (120, 25, '6b401525ac06'),
    'quy-dinh-102-QD-TW-2017.md': (7, 2, 'f9c5779f5147'),
    'quy-dinh-181-QD-TW-2013.md': (7, 2, '36c26e7f66a4'),
    'quy-dinh-22-QD-TW-2021.md': (2, 0, 'db8aeed602c5'),
    'quy-dinh-294-QD-TW-2025.md': (286, 0, '20a0cf0961ad'),
    'quy-dinh-296-QD-TW-2025.md': (2, 0, 'cf3367588e95'),
    'quy-dinh-37-QD-TW-2021.md': (10, 0, 'd392f20d27d0'),
    'quy-dinh-47-QD-TW-2011.md': (4, 0, '7eba18472408'),
    'quy-dinh-69-QD-TW-2022.md': (21, 0, '244582763c62'),
    'thong-bao-ket-luan-UBKTTW-ky-2-3-2016.md': (7, 0, '148a8f8e9d1c'),
    'thong-bao-ket-luan-UBKTTW-ky-24-2018.md': (3, 0, 'fbed0b95e4d3'),
    'thong-bao-ket-luan-UBKTTW-ky-32-2018.md': (7, 0, '081dfa5e4a2b'),
    'thong-bao-ket-luan-UBKTTW-ky-37-2019.md': (5, 0, 'be86a2c717ab'),
    'thong-bao-ket-luan-UBKTTW-ky-50-2020.md': (8, 0, '09580c75b71d'),
    'van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md': (454, 67, '5993cf5ee9be'),
}


# paragraph children per file (the others have none)
DOAN = {'de-an-giam-sat-thuong-xuyen-2025-2030.txt': 64, 'huong-dan-06-HD-TW-2025.md': 207,
        'quy-dinh-22-QD-TW-2021.md': 4, 'quy-dinh-294-QD-TW-2025.md': 63, 'quy-dinh-296-QD-TW-2025.md': 4,
        'thong-bao-ket-luan-UBKTTW-ky-24-2018.md': 2}
_DOAN = re.compile(r"/doan-\d+$")


def test_corpus_units_pinned(corpus_dir):
    seen = {}
    for path, res, err in parse_paths([corpus_dir], progress=False):
        assert err is None, (path.name, err)
        ids = [u.unit_id for u in res.units]
        assert len(ids) == len(set(ids)), path.name
        base = [i for i in ids if not _DOAN.search(i)]
        seen[path.name] = (len(base), sum(u.level == "dieu" for u in res.units),
                           hashlib.sha256("\n".join(base).encode()).hexdigest()[:12])
        assert len(ids) - len(base) == DOAN.get(path.name, 0), path.name
    changed = {name: (seen.get(name), want) for name, want in PINNED.items() if seen.get(name) != want}
    assert changed == {}
