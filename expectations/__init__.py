"""The check stage: statutory rules as GX expectations over a batch of canonical reports.

Public surface (nothing here imports great_expectations; `validate` and `suite` do, lazily):

- `registry.all_rules()`, `registry.get_rule(id)`: the rules (`rule.Rule`), in check order;
- `features.build_frame(reports, report_ids)`: the batch DataFrame the suite validates;
- `suite.build_suite()`, `suite.export_suites(dir)`: the GX suite and its JSON;
- `validate.check_reports(reports, report_ids=None, *, checker=None)`: findings;
  `validate.Checker` to reuse one GX context across batches;
- `errors`: CheckError ← RuleDefinitionError, CheckSetupError.
"""
