"""The agency registry: who must report (CSV or YAML). Validated with line-numbered errors.

Columns: agency_id, name, region, level, kind, parent_id, supervisor_emails, aliases,
and optionally contact_emails, column_url (the agency's 年报 column page) and report_urls
(`2023=https://…;2024=https://…`). Lists are separated by `;`. level ∈ province/city/county/township;
kind ∈ government/department/other (the statutory deadline depends on it).
YAML (`.yaml`/`.yml`): a list of mappings with the same fields (or `agencies:` holding
it); lists may be YAML lists and report_urls a mapping `{2024: https://…}`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("province", "city", "county", "township")
KINDS = ("government", "department", "other")
REQUIRED = ("agency_id", "name", "region", "level", "kind")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class RegistryError(ValueError):
    """The registry file is malformed; the message names the line and the field."""


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    region: str
    level: str
    kind: str
    parent_id: str | None = None
    supervisor_emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default_factory=tuple)
    contact_emails: tuple[str, ...] = ()
    column_url: str | None = None
    report_urls: dict[int, str] = field(default_factory=dict)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split(";") if x.strip())


def _emails(cell: str | None, where: str) -> tuple[str, ...]:
    emails = _split(cell)
    bad = [e for e in emails if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e)]
    if bad:
        raise RegistryError(f"{where}：邮箱格式不正确：{', '.join(bad)}")
    return emails


def _check_url(url: str, where: str) -> None:
    if not re.match(r"^https?://[^\s/]+", url):
        raise RegistryError(f"{where}：网址「{url}」应以 http:// 或 https:// 开头")


def _report_urls(cell: str | None, where: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for item in _split(cell):
        year, sep, url = item.partition("=")
        if not sep or not year.strip().isdigit():
            raise RegistryError(f"{where}：report_urls 应写作「年度=网址」，如 2024=https://…")
        _check_url(url.strip(), where)
        out[int(year)] = url.strip()
    return out


def _cell(value: object, where: str, column: str) -> str:
    """A YAML value as the CSV cell it stands for (lists joined with `;`)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_cell(v, where, column) for v in value)
    if isinstance(value, dict):  # report_urls: {2024: https://…}
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, str | int | float):
        return str(value)
    raise RegistryError(f"{where}：{column} 的值无法识别")


def _csv_rows(text: str, name: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"机构名录 {name} 缺少列：{', '.join(missing)}")
    return [(line, row) for line, row in enumerate(reader, start=2)]


def _yaml_rows(text: str, name: str) -> list[tuple[int, dict[str, str]]]:
    """A YAML list of agencies (or `agencies:` holding one); line numbers from the nodes."""
    import yaml

    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第{mark.line + 1}行" if mark else ""
        raise RegistryError(f"机构名录 {name} {line}不是有效的 YAML：{exc}") from exc
    if isinstance(data, dict) and "agencies" in data:
        data = data["agencies"]
        root = next(v for k, v in root.value if k.value == "agencies")
    if not isinstance(data, list):
        raise RegistryError(f"机构名录 {name} 应为机构列表（或 agencies: 下的列表）")
    rows = []
    for node, item in zip(root.value, data, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(item, dict):
            raise RegistryError(f"{name} 第{line}行：每个机构应为「字段: 值」的映射")
        where = f"{name} 第{line}行"
        rows.append((line, {str(k): _cell(v, where, str(k)) for k, v in item.items()}))
    return rows


def load_registry(path: Path) -> list[Agency]:
    """The agencies of a CSV or YAML (.yaml/.yml) registry; RegistryError names line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"无法读取机构名录 {path}：{exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(text, path.name)
    else:
        rows = _csv_rows(text, path.name)
    agencies: list[Agency] = []
    seen: set[str] = set()
    for line, row in rows:
        where = f"{path.name} 第{line}行"
        for col in REQUIRED:
            if not (row.get(col) or "").strip():
                raise RegistryError(f"{where}：{col} 不能为空")
        agency_id = row["agency_id"].strip()
        if not _ID.match(agency_id):
            raise RegistryError(f"{where}：agency_id「{agency_id}」只能含字母、数字、-、_、.")
        if agency_id in seen:
            raise RegistryError(f"{where}：agency_id「{agency_id}」重复")
        level, kind = row["level"].strip(), row["kind"].strip()
        if level not in LEVELS:
            raise RegistryError(f"{where}：level「{level}」应为 {'/'.join(LEVELS)} 之一")
        if kind not in KINDS:
            raise RegistryError(f"{where}：kind「{kind}」应为 {'/'.join(KINDS)} 之一")
        column_url = (row.get("column_url") or "").strip() or None
        if column_url:
            _check_url(column_url, f"{where}：column_url")
        seen.add(agency_id)
        agencies.append(
            Agency(
                agency_id,
                row["name"].strip(),
                row["region"].strip(),
                level,
                kind,
                (row.get("parent_id") or "").strip() or None,
                _emails(row.get("supervisor_emails"), f"{where}：supervisor_emails"),
                _split(row.get("aliases")),
                _emails(row.get("contact_emails"), f"{where}：contact_emails"),
                column_url,
                _report_urls(row.get("report_urls"), f"{where}：report_urls"),
            )
        )
    unknown = [a for a in agencies if a.parent_id and a.parent_id not in seen]
    if unknown:
        raise RegistryError(
            f"{path.name}：上级机构不存在：{unknown[0].agency_id} → {unknown[0].parent_id}"
        )
    return agencies
