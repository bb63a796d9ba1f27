"""prefect.yaml: the deployments that run (a change shows up in review)."""

from datetime import datetime

import yaml

from flows.schedules import report_year
from flows.settings import PROJECT_ROOT


def test_deployments_and_schedules():
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    got = {
        d["name"]: (d["entrypoint"], [s["cron"] for s in d["schedules"]])
        for d in spec["deployments"]
    }
    assert got == {
        "annual-review-departments": ("flows/schedules.py:scheduled_review", ["0 8 1 2 *"]),
        "annual-review-governments": ("flows/schedules.py:scheduled_review", ["0 8 1 4 *"]),
        "weekly-recheck": ("flows/schedules.py:scheduled_recheck", ["0 7 * * 1"]),
    }
    for d in spec["deployments"]:
        module, name = d["entrypoint"].split(":")
        assert (PROJECT_ROOT / module).is_file()
        assert f"def {name}(" in (PROJECT_ROOT / module).read_text(encoding="utf-8")


def test_report_year_is_the_previous_year():
    assert report_year(datetime(2026, 2, 1, 8)) == 2025
