"""A synthetic province built from the real reports: agencies, several years of reports in
varied formats, errors injected at known places, and the ground truth.

- `province`: the agencies (省/市/县/乡镇 governments and departments, stable ids);
- `bases`: the real reports the numbers and sentences come from (`sample/province`);
- `narrative`: parts 一/五/六 and the preamble, from real sentences, quoting the tables;
- `reports`: per agency and year a clean `CanonicalReport` (statutory identities hold,
  year to year included);
- `inject`: the catalogue of injected errors (kind → target rule, allowed consequences,
  the cell it changes), shared with `benchmarks/bench_checks.py`;
- `render`: each report as a file (HTML UTF-8/GBK, text, DOCX, PDF); `docx_fast` fills
  the official DOCX layout from a cached template (python-docx costs ~0.5 s a document);
- `truth`: the ground truth (`truth.json`) and the judge of findings against it;
- `generate`: the whole province on disk (`nianbao demo-province`);
- `server`: the agencies' websites (年报 columns and reports) on loopback HTTP servers.
"""
