"""Run settings: one typed object built at the entry point (nothing read at import)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.runners import RunnerSettings, parse_workers, runner_settings
from models.db import database_url_from_env

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PROVINCE = PROJECT_ROOT / "sample" / "province"


@dataclass(frozen=True)
class Settings:
    year: int
    registry: Path
    source: Path
    out_dir: Path
    database_url: str
    batch_size: int = 200
    scope: str = "示例省份"
    runner: RunnerSettings = field(default_factory=RunnerSettings)  # flows.runners
    parse_workers: int = 1  # processes parsing under the default runner (flows.runners)

    @property
    def pages_dir(self) -> Path:
        return self.out_dir / str(self.year)


def build_settings(
    year: int,
    registry: str | None,
    source: str | None,
    out: str | None,
    environ: Mapping[str, str],
    batch_size: int = 200,
    runner: RunnerSettings | None = None,
) -> Settings:
    """`runner` None: from `NIANBAO_RUNNER`/`NIANBAO_DASK_ADDRESS`/`NIANBAO_DASK_WORKERS`."""
    out_dir = Path(out or "out")
    registry_path = Path(registry) if registry else SAMPLE_PROVINCE / "registry.csv"
    source_path = Path(source) if source else SAMPLE_PROVINCE / "reports"
    sample = registry is None or registry_path.resolve().parent == SAMPLE_PROVINCE.resolve()
    scope = "示例省份" if sample else registry_path.stem
    return Settings(
        year=year,
        registry=registry_path,
        source=source_path,
        out_dir=out_dir,
        database_url=database_url_from_env(environ, out_dir / "nianbao.db"),
        batch_size=batch_size,
        scope=scope,
        runner=runner or runner_settings(environ),
        parse_workers=parse_workers(environ),
    )
