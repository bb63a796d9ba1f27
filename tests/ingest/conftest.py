import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def truths(*exts: str) -> list[dict]:
    out = []
    for p in sorted((CORPUS / "truth").glob("*.json")):
        t = json.loads(p.read_text(encoding="utf-8"))
        if t["file"].rsplit(".", 1)[-1] in exts:
            out.append(t)
    return out


@pytest.fixture
def corpus() -> Path:
    return CORPUS
