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


def test_sample_registry_yaml_matches_csv():
    assert load_registry(SAMPLE_PROVINCE / "registry.yaml") == load_registry(
        SAMPLE_PROVINCE / "registry.csv"
    )


def test_urls_and_contact_emails(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(
        "- agency_id: a1\n  name: 名称\n  region: 地区\n  level: city\n  kind: department\n"
        "  contact_emails: [gk@a.cn]\n  column_url: https://a.cn/nb/index.html\n"
        "  report_urls: {2023: 'https://a.cn/2023.html'}\n",
        encoding="utf-8",
    )
    (a,) = load_registry(p)
    assert a.contact_emails == ("gk@a.cn",)
    assert a.column_url == "https://a.cn/nb/index.html"
    assert a.report_urls == {2023: "https://a.cn/2023.html"}


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "- agency_id: a1\n  name: 名称\n  region: 地区\n  level: city\n  kind: bureau\n",
            "第1行：kind",
        ),
        (
            "- agency_id: a1\n  name: 名称\n  region: 地区\n  level: city\n  kind: department\n"
            "- agency_id: a2\n  name: 名称\n  region: 地区\n  level: city\n  kind: other\n"
            "  column_url: ftp://x\n",
            "第6行：column_url",
        ),
        ("- agency_id: a1\n  name: 名称\n  region: 地区\n  level: city\n", "kind 不能为空"),
        ("agencies: [a, b", "不是有效的 YAML"),
    ],
)
def test_bad_yaml_is_named(tmp_path, body, message):
    p = tmp_path / "r.yml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        load_registry(p)


def test_bad_report_urls_csv(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        HEADER.strip() + ",report_urls\n" + "a1,名称,地区,city,department,,,,2023:https://x\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="第2行：report_urls"):
        load_registry(p)
