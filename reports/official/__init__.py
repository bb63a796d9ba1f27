"""A canonical report written out in the official layout (国办公开办函〔2021〕30号 annex).

Used to build round-trip fixtures and synthetic provinces: the same values rendered as
a web page (rowspan/colspan), a Word document (merged cells) or a PDF, then parsed back.
"""

from reports.official.docx import to_docx
from reports.official.html import to_html
from reports.official.layout import Cell, report_tables

__all__ = ["Cell", "report_tables", "to_docx", "to_html"]
