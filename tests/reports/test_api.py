"""The public surface of `reports` (a change here should show up in review)."""

import reports


def test_public_surface():
    assert sorted(reports.__all__) == [
        "AgencyRow",
        "AgencySummaryContext",
        "CountRow",
        "FindingView",
        "OpenAgency",
        "PARSED",
        "ProgressContext",
        "ProvinceIndexContext",
        "RuleEntry",
        "RulesContext",
        "SourceDocument",
        "TrendPoint",
        "page_name",
        "render_agency_summary",
        "render_progress",
        "render_province_index",
        "render_rules",
        "rule_href",
        "write_pages",
        "write_progress",
        "write_rules",
        "write_site",
    ]
    for name in reports.__all__:
        assert getattr(reports, name) is not None
