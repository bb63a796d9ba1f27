"""The official layout as a web page: tables with rowspan/colspan."""

from __future__ import annotations

from html import escape

from models.canonical import CanonicalReport
from reports.official.layout import SECTION_HEADINGS, SECTION_TEXT, Table, report_tables, title


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
    for section, heading in SECTION_HEADINGS.items():
        parts.append(f"<p><strong>{heading}</strong></p>")
        if section in SECTION_TEXT:
            parts.append(f"<p>{SECTION_TEXT[section]}</p>")
        if section in tables:
            parts.append(_table(tables[section]))
    parts.append(
        '</div><div class="footer">主办单位：示例政府办公室 网站标识码 0000000000</div>'
        "</body></html>"
    )
    return "\n".join(parts).encode(charset)
