"""Province configuration (YAML): local deadlines, severities, thresholds, rules switched off.

```yaml
deadlines:            # local publication deadlines, MM-DD of year y+1 (expectations.deadlines)
  city/department: "01-25"
  pt-scj: "01-20"
severity:             # per-rule severity overrides
  T2-VALID-XYEAR: info
params:               # per-rule thresholds; unknown keys are refused
  SIM-PREV-YEAR: {warning: 0.9}
disabled: [T2-RULES-AUTH]
```

Contract:
- `load_config(path)` / `parse_config(data)` validate everything against the registry and
  raise `ConfigError` with a Chinese message naming the file, section and key;
- `Config()` (no file) is the RULES.md defaults;
- `config.params_for(rule_id)` is the rule's thresholds: `Rule.params` (RULES.md)
  overlaid with the file's `params`. Rules read their thresholds only through it, in
  their feature hooks (`features(reports, contexts)` gets each report's
  `ReportContext.config`), e.g. `ctx.config.params_for(rule.id)["warning"]`.
  A rule with thresholds declares its defaults in `Rule(params=…)`;
- `config.severity_for(rule_id, default)` and `config.enabled(rule_id)` are applied by
  `validate.Checker`; `config.deadlines` feeds the collection's local deadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from models.finding import SEVERITIES


def default_params() -> Mapping[str, Mapping[str, float]]:
    """Thresholds per rule: each rule declares its RULES.md defaults (`Rule.params`)."""
    from .registry import all_rules

    rules = all_rules()
    key = tuple(map(id, rules))  # the registry rarely changes: build the mapping once
    if _DEFAULTS.get("key") != key:
        _DEFAULTS["key"] = key
        _DEFAULTS["value"] = MappingProxyType(
            {r.id: MappingProxyType(dict(r.params)) for r in rules if r.params}
        )
    return _DEFAULTS["value"]


_DEFAULTS: dict = {}


SECTIONS = ("deadlines", "severity", "params", "disabled")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class Config:
    """One province's configuration (see the module docstring)."""

    deadlines: Mapping[str, str] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    def params_for(self, rule_id: str) -> dict[str, float]:
        """The rule's thresholds: RULES.md defaults overlaid with this configuration."""
        return {**default_params().get(rule_id, {}), **self.params.get(rule_id, {})}

    def severity_for(self, rule_id: str, default: str) -> str:
        return self.severity.get(rule_id, default)

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled


DEFAULT = Config()


def _rule_ids() -> set[str]:
    from .registry import all_rules

    return {rule.id for rule in all_rules()}


def _known(rule_id: object, where: str, ids: set[str]) -> str:
    if str(rule_id) not in ids:
        raise ConfigError(f"{where}：没有编号为「{rule_id}」的规则")
    return str(rule_id)


def _deadline(key: object, value: object, where: str) -> tuple[str, str]:
    from datetime import date

    text = str(value).strip()
    month, sep, day = text.partition("-")
    try:
        if not sep:
            raise ValueError
        date(2000, int(month), int(day))  # a leap year: 02-29 is a valid local deadline
    except ValueError:
        raise ConfigError(f"{where}：「{key}: {value}」应写作 MM-DD，例如 01-25") from None
    return str(key), f"{int(month):02d}-{int(day):02d}"


def parse_deadlines(data: object, where: str) -> dict[str, str]:
    """A validated `{agency_id | level/kind | level | kind: MM-DD}` mapping."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}：应为「机构编号或类别: MM-DD」的映射")
    return dict(_deadline(k, v, where) for k, v in data.items())


def parse_config(data: object, source: str = "配置") -> Config:
    """A validated Config from parsed YAML (see the module docstring)."""
    if data is None:
        return Config()
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}：顶层应为映射（{'、'.join(SECTIONS)}）")
    if unknown := [str(k) for k in data if k not in SECTIONS]:
        raise ConfigError(
            f"{source}：未知的配置项 {'、'.join(unknown)}（可用：{'、'.join(SECTIONS)}）"
        )
    ids = _rule_ids()
    deadlines = parse_deadlines(data.get("deadlines"), f"{source} deadlines")
    severity: dict[str, str] = {}
    raw = data.get("severity") or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source} severity：应为「规则编号: error/warning/info」的映射")
    for rule_id, value in raw.items():
        rule_id = _known(rule_id, f"{source} severity", ids)
        if value not in SEVERITIES:
            raise ConfigError(
                f"{source} severity：{rule_id} 的严重程度「{value}」无效，应为 error、warning 或 info"
            )
        severity[rule_id] = str(value)
    params: dict[str, dict[str, float]] = {}
    raw = data.get("params") or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source} params：应为「规则编号: {{参数: 数值}}」的映射")
    for rule_id, values in raw.items():
        rule_id = _known(rule_id, f"{source} params", ids)
        defaults = default_params().get(rule_id, {})
        if not defaults:
            raise ConfigError(f"{source} params：规则 {rule_id} 没有可配置的参数")
        if not isinstance(values, Mapping):
            raise ConfigError(f"{source} params {rule_id}：应为「参数: 数值」的映射")
        checked: dict[str, float] = {}
        for key, value in values.items():
            if key not in defaults:
                raise ConfigError(
                    f"{source} params {rule_id}：未知参数「{key}」（可用：{'、'.join(defaults)}）"
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{source} params {rule_id}.{key}：「{value}」应为非负数")
            checked[str(key)] = float(value)
        params[rule_id] = checked
    raw = data.get("disabled") or []
    if not isinstance(raw, list):
        raise ConfigError(f"{source} disabled：应为规则编号的列表")
    disabled = frozenset(_known(r, f"{source} disabled", ids) for r in raw)
    return Config(deadlines, severity, params, disabled)


def load_config(path: str | Path | None) -> Config:
    """The configuration in a YAML file (None: the defaults); ConfigError if unusable."""
    if path is None:
        return Config()
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 YAML：{exc}") from exc
    return parse_config(data, f"配置文件 {path.name}")


def load_deadlines(path: str | Path | None) -> dict[str, str]:
    """Local deadlines from a configuration file (its `deadlines`) or a bare mapping file."""
    if path is None:
        return {}
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"无法读取本地发布期限文件 {path}：{exc}") from exc
    if isinstance(data, Mapping) and set(data) & set(SECTIONS):
        return dict(parse_config(data, f"配置文件 {path.name}").deadlines)
    return parse_deadlines(data, f"本地发布期限文件 {path.name}")


__all__ = [
    "Config",
    "ConfigError",
    "DEFAULT",
    "default_params",
    "load_config",
    "load_deadlines",
    "parse_config",
    "parse_deadlines",
]
