"""The official layout as a web page: tables with rowspan/colspan."""

from __future__ import annotations

from html import escape

from models.canonical import CanonicalReport
from reports.official.layout import (
    Table,
    report_tables,
    section_paragraphs,
    shown_sections,
    title,
)


def _table(rows: Table) -> str:
    out = ['<table border="1" cellspacing="0">']
    for row in rows:
        cells = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            cells.append(f"<td{span}><p><span>{escape(c.text) or '&nbsp;'}</span></p></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def to_html(report: CanonicalReport, charset: str = "utf-8", declare: bool = True) -> bytes:
    """The report as a page (navigation and footer around the article), in `charset`."""
    tables = report_tables(report)
    meta = f'<meta charset="{charset}">' if declare else ""
    pub = (
        f'<meta name="PubDate" content="{report.published_date} 09:00">'
        if report.published_date
        else ""
    )
    parts = [
        f"<!DOCTYPE html><html><head>{meta}{pub}<title>{escape(title(report))}</title></head><body>",
        '<div class="nav"><a href="/">首页</a> &gt; <a href="#">政府信息公开年报</a></div>',
        f'<div class="article"><h1>{escape(title(report))}</h1>',
    ]
    if report.preamble:
        parts.append(f"<p>{escape(report.preamble)}</p>")
    for section, heading in shown_sections(report).items():
        parts.append(f"<p><strong>{heading}</strong></p>")
        parts += [f"<p>{escape(p)}</p>" for p in section_paragraphs(report, section)]
        if section in tables:
            parts.append(_table(tables[section]))
    if report.published_date:  # the signature, as printed under the report
        y, m, d = report.published_date.split("-")
        parts.append(f'<p style="text-align:right">{escape(report.agency or "")}</p>')
        parts.append(f'<p style="text-align:right">{int(y)}年{int(m)}月{int(d)}日</p>')
    parts.append(
        '</div><div class="footer">主办单位：示例政府办公室 网站标识码 0000000000</div>'
        "</body></html>"
    )
    return "\n".join(parts).encode(charset)
