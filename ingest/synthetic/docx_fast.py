"""Word documents in the official layout, fast: `reports.official.to_docx` once per layout,
then the values filled into its XML.

python-docx merges cells at ~0.5 s a document, too slow for a province. Every report
of one layout (format, tables and rows present, parts shown) has the same document but
for its texts and numbers, so `to_docx` renders a *template* report whose cells and
texts are tokens (`⟦t3|一|0⟧`, `⟦sec|五⟧`), and each report replaces the tokens in
`word/document.xml` (a part's lines become paragraphs). Output parses exactly like
`to_docx`'s (tests/ingest/synthetic compares them).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from xml.sax.saxutils import escape

from models.canonical import CanonicalReport
from reports.official.layout import cell_text

_TOKEN = re.compile(r"⟦([^⟧]+)⟧")
_DATE = "2000-01-02"
_DATE_TEXT = "2000年1月2日"
_NARRATIVE = ("一", "五", "六")


def _signature(report: CanonicalReport) -> tuple:
    return (
        report.format,
        tuple((k, isinstance(v, list) and len(v)) for k, v in (report.t2 or {}).items()),
        tuple(report.t3 or ()),
        report.t4 is not None,
        tuple(report.sections_present),
        tuple(s for s in _NARRATIVE if report.sections.get(s, "").strip()),
        bool(report.preamble),
        bool(report.published_date),
    )


def _tokens(report: CanonicalReport) -> CanonicalReport:
    """The template report: the same layout, a token for every text and number."""
    t = copy.deepcopy(report)
    t.agency, t.year = "⟦agency⟧", "⟦year⟧"
    if t.t2:
        t.t2 = {
            k: [f"⟦t2|{k}|{i}⟧" for i in range(len(v))] if isinstance(v, list) else f"⟦t2|{k}⟧"
            for k, v in t.t2.items()
        }
    if t.t3:
        t.t3 = {r: [f"⟦t3|{r}|{i}⟧" for i in range(7)] if v else v for r, v in t.t3.items()}
    if t.t4:
        t.t4 = [f"⟦t4|{i}⟧" for i in range(15)]
    t.sections = {s: f"⟦sec|{s}⟧" for s in _NARRATIVE if report.sections.get(s, "").strip()}
    t.preamble = "⟦preamble⟧" if report.preamble else ""
    t.published_date = _DATE if report.published_date else None
    return t


_TEMPLATES: dict[tuple, tuple[dict[str, bytes], str]] = {}


def _template(report: CanonicalReport) -> tuple[dict[str, bytes], str]:
    """The layout's template: the other parts of the package, and `word/document.xml`."""
    from reports.official import to_docx

    signature = _signature(report)
    if signature not in _TEMPLATES:
        with zipfile.ZipFile(io.BytesIO(to_docx(_tokens(report)))) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        _TEMPLATES[signature] = (parts, parts.pop("word/document.xml").decode("utf-8"))
    return _TEMPLATES[signature]


def _value(report: CanonicalReport, token: str) -> str:
    kind, *key = token.split("|")
    if kind == "agency":
        return report.agency or ""
    if kind == "year":
        return str(report.year)
    if kind == "preamble":
        return report.preamble
    if kind == "t2":
        value = report.t2[key[0]]
        return cell_text(value[int(key[1])] if len(key) == 2 else value)
    if kind == "t3":
        return cell_text(report.t3[key[0]][int(key[1])])
    if kind == "t4":
        return cell_text(report.t4[int(key[0])])
    raise KeyError(token)


def _paragraphs(xml: str, report: CanonicalReport) -> str:
    """Each `⟦sec|s⟧` paragraph becomes one paragraph per line of the part."""

    def expand(match: re.Match) -> str:
        paragraph, section = match.group(0), match.group(1)
        lines = [x.strip() for x in report.sections[section].splitlines() if x.strip()]
        return "".join(paragraph.replace(f"⟦sec|{section}⟧", escape(line)) for line in lines)

    return re.sub(r"<w:p>(?:(?!</w:p>).)*?⟦sec\|(.)⟧.*?</w:p>", expand, xml, flags=re.S)


def to_docx_fast(report: CanonicalReport) -> bytes:
    """`reports.official.to_docx(report)`, from the layout's cached template."""
    parts, xml = _template(report)
    xml = _paragraphs(xml, report)
    xml = _TOKEN.sub(lambda m: escape(_value(report, m.group(1))), xml)
    if report.published_date:
        y, m, d = report.published_date.split("-")
        xml = xml.replace(_DATE_TEXT, f"{int(y)}年{int(m)}月{int(d)}日")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", parts["[Content_Types].xml"])
        for name, data in parts.items():
            if name != "[Content_Types].xml":
                z.writestr(name, data)
        z.writestr("word/document.xml", xml)
    return buffer.getvalue()
