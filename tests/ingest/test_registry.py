import pytest

from flows.settings import SAMPLE_PROVINCE
from ingest.registry import RegistryError, load_registry
from ingest.sources import find_documents

HEADER = "agency_id,name,region,level,kind,parent_id,supervisor_emails,aliases\n"


def test_sample_registry_loads_and_finds_documents():
    agencies = load_registry(SAMPLE_PROVINCE / "registry.csv")
    assert len(agencies) == 14
    found = find_documents(SAMPLE_PROVINCE / "reports", 2023, agencies)
    assert [p.name for p in found.documents["ha-hongze"]] == ["ha-hongze.txt"]
    assert found.documents["pt-scj"] == []  # no 2023 report: the run records it as missing


@pytest.mark.parametrize(
    "row, message",
    [
        ("a1,名称,地区,city,bureau,,,", "kind"),
        ("a1,名称,地区,village,department,,,", "level"),
        ("a1,,地区,city,department,,,", "name"),
        ("a 1,名称,地区,city,department,,,", "agency_id"),
        ("a1,名称,地区,city,department,nope,,", "上级机构"),
        ("a1,名称,地区,city,department,,not-an-email,", "邮箱"),
    ],
)
def test_bad_rows_are_named(tmp_path, row, message):
    p = tmp_path / "r.csv"
    p.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        load_registry(p)


def test_duplicate_ids(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(HEADER + "a1,名称,地区,city,department,,,\n" * 2, encoding="utf-8")
    with pytest.raises(RegistryError, match="重复"):
        load_registry(p)
