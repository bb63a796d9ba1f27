"""Collection settings: one typed object, built at the entry point (nothing read at import)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

USER_AGENT = "nianbao/0.1 (+政务公开年报审核)"


@dataclass(frozen=True)
class CollectSettings:
    """HTTP politeness and limits, discovery bounds, and the local deadline table.

    `local_deadlines` maps an agency id, `level/kind`, a level or a kind (most specific
    first) to a month-day `MM-DD` of year y+1 (RULES.md §1.1: local notices).
    """

    archive_dir: Path = Path("out/archive")
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # one fetch, all chunks: a trickling server is cut off
    retries: int = 3  # extra attempts for transient failures
    backoff: float = 1.0  # first pause; doubles each retry
    backoff_max: float = 30.0
    per_host_limit: int = 4  # concurrent requests to one host
    per_host_delay: float = 0.25  # pause a slot keeps after each request to its host
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    max_pages: int = 5  # column pages followed per agency (pagination)
    workers: int = 32  # agencies collected at once, over all hosts
    user_agent: str = USER_AGENT
    local_deadlines: Mapping[str, str] = field(default_factory=dict)
    grace_days: int = 0  # crawl tolerance before PUB-MISSING


# Environment variable -> (field, type, lowest value).
ENVIRONMENT = {
    "NIANBAO_COLLECT_DELAY": ("per_host_delay", float, 0.0),
    "NIANBAO_COLLECT_PER_HOST": ("per_host_limit", int, 1),
    "NIANBAO_COLLECT_CONCURRENCY": ("workers", int, 1),
}


def options_from_env(environ: Mapping[str, str]) -> dict[str, float | int]:
    """`CollectSettings` fields set in `environ` (see `ENVIRONMENT`); ValueError names
    the variable when a value is not a number or is too small."""
    out: dict[str, float | int] = {}
    for name, (field_name, kind, lowest) in ENVIRONMENT.items():
        raw = (environ.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = kind(raw)
        except ValueError:
            value = None
        if value is None or not (lowest <= value < math.inf):
            raise ValueError(f"环境变量 {name} 的值「{raw}」无效：应为不小于 {lowest:g} 的数")
        out[field_name] = value
    return out
