"""Shingles, MinHash/LSH and masking (expectations.similarity) and the SIM rules' hook."""

from __future__ import annotations

import copy
import random
from functools import cache
from pathlib import Path

import numpy as np

from expectations.history import ReportContext, agency_key, same_key
from expectations.rules import similarity as sim_rules
from expectations.similarity.minhash import LSHIndex, estimate, jaccard, shingles, signature
from expectations.similarity.passages import aligned_passages
from expectations.similarity.peers import best_peers, pair_score
from expectations.similarity.text import mask, narrative
from ingest.parser import parse_file

CORPUS = Path(__file__).parents[1] / "fixtures/corpus"
WORDS = (
    "政府信息公开工作主动依申请平台建设监督保障政策解读新媒体网站栏目审核发布培训考核评议整改落实"
)


@cache
def _parsed(name: str):
    return parse_file(CORPUS / name)


def report(name: str):
    return copy.deepcopy(_parsed(name))


def text(seed: int, n: int = 600) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(WORDS) for _ in range(n))


def test_masking_numbers_and_years():
    assert mask("2024年，收到 17 件，占 6.17%") == "#年，收到#件，占#%"
    assert mask("2023年共收到申请5件") == mask("2024年共收到申请18件")
    assert mask("二〇二三年") == mask("2024年")


def test_shingles_are_deterministic_and_unique():
    a = shingles("政府信息公开工作年度报告")
    assert len(a) == len("政府信息公开工作年度报告") - 4
    assert np.array_equal(a, shingles("政府信息公开工作年度报告"))
    assert len(shingles("四个字符")) == 0


def test_identical_texts_found_unrelated_not():
    base = text(1)
    near = base[:560] + text(2, 40)
    other = text(3)
    sigs = {
        k: signature(shingles(v)) for k, v in {"base": base, "near": near, "other": other}.items()
    }
    index = LSHIndex()
    for key, sig in sigs.items():
        index.add(key, sig)
    assert {"base", "near"} <= index.candidates(sigs["base"])
    assert "other" not in index.candidates(sigs["base"])
    assert estimate(sigs["base"], sigs["base"]) == 1.0
    assert jaccard(shingles(base), shingles(near)) > 0.8 > jaccard(shingles(base), shingles(other))


def test_signature_densifies_empty_bins():
    sig = signature(shingles("政府信息公开工作"))  # 4 shingles, 64 bins
    assert (sig != np.iinfo(np.uint64).max).all()


def test_best_peers_same_year_other_agency_only():
    t = text(7)
    items = [
        (2024, "甲局", t),
        (2024, "乙局", t.replace("政府", "机关", 3)),
        (2024, "甲局", t),  # same agency: not a peer
        (2023, "丙局", t),  # another year: not a peer
        (2024, "丁局", text(8)),
    ]
    found = best_peers(items, 0.85, agency_key, same_key)
    assert found[0][0] == 1 and found[1][0] in (0, 2) and 4 not in found and 3 not in found


def test_best_peers_scales_without_all_pairs():
    items = [(2024, f"机关{i}", text(100 + i)) for i in range(2000)]
    items.append((2024, "抄袭局", items[5][2]))
    found = best_peers(items, 0.85, agency_key, same_key)
    assert found == {5: (2000, 1.0), 2000: (5, 1.0)}


def test_years_and_numbers_do_not_hide_a_copy():
    r = report("009_pingtan_zone_2024.txt")
    copy_ = copy.deepcopy(r)
    copy_.sections = {
        k: v.replace("2024", "2025").replace("62", "70") for k, v in r.sections.items()
    }
    assert pair_score(narrative(r), narrative(copy_)) == 1.0


def test_aligned_passages_name_the_shared_sentences():
    a = "今年完成了甲项工作。我们加强了政策解读工作，共发布15篇。新增一项内容。"
    b = "去年开展了乙项工作。我们加强了政策解读工作，共发布9篇。"
    assert aligned_passages(a, b) == [
        ("我们加强了政策解读工作，共发布15篇。", "我们加强了政策解读工作，共发布9篇。")
    ]


def test_hook_levels_and_details():
    r = report("009_pingtan_zone_2024.txt")
    prev = report("009_pingtan_zone_2024.html")
    prev.year = 2023
    unrelated = report("008_pingtan_zone_2023.txt")
    contexts = [ReportContext(previous=prev), ReportContext(previous=unrelated), ReportContext()]
    columns = sim_rules.features(
        [r, copy.deepcopy(r), report("018_pingtan_gaj_2024.txt")], contexts
    )
    assert columns["sim_prev_error"][:2] == [1.0, 0.0]
    assert columns["sim_prev_warning"][:2] == [0.0, 0.0]
    assert np.isnan(columns["sim_prev_error"][2])
    assert contexts[0].derived["SIM-PREV-YEAR"]["score"] == 1.0
    # two copies of one narrative by the same agency are not peers
    assert columns["sim_peer"] == [0.0, 0.0, 0.0]
