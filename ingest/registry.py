"""The agency registry: who must report (CSV). Validated with line-numbered errors.

Columns: agency_id, name, region, level, kind, parent_id, supervisor_emails, aliases,
and optionally contact_emails, column_url (the agency's 年报 column page) and report_urls
(`2023=https://…;2024=https://…`). Lists are separated by `;`. level ∈ province/city/county/township;
kind ∈ government/department/other (the statutory deadline depends on it).
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


def load_registry(path: Path) -> list[Agency]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"无法读取机构名录 {path}：{exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"机构名录 {path.name} 缺少列：{', '.join(missing)}")
    agencies: list[Agency] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
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
        emails = _split(row.get("supervisor_emails"))
        bad = [e for e in emails if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e)]
        if bad:
            raise RegistryError(f"{where}：邮箱格式不正确：{', '.join(bad)}")
        seen.add(agency_id)
        agencies.append(
            Agency(
                agency_id,
                row["name"].strip(),
                row["region"].strip(),
                level,
                kind,
                (row.get("parent_id") or "").strip() or None,
                emails,
                _split(row.get("aliases")),
            )
        )
    unknown = [a for a in agencies if a.parent_id and a.parent_id not in seen]
    if unknown:
        raise RegistryError(
            f"{path.name}：上级机构不存在：{unknown[0].agency_id} → {unknown[0].parent_id}"
        )
    return agencies
