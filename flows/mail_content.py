"""What a message says, rendered where the message is composed (`flows.deliver`).

Planning a delivery decides who gets what (cheap: ledger rows and contexts); rendering
the pages, the plain text and the 台账 workbook is the costly part, so a message
carries the context to render from and a worker process renders and composes it. The
digest's attached summary pages are read there too, not held for all messages at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.ledger import LedgerEntry
from reports.contexts import AgencySummaryContext, ProgressContext
from reports.mail import Attachment

__all__ = ["AgencyBody", "Body", "DigestBody"]

XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Body:
    """A message body as it is sent: HTML, its plain-text alternative, attachments."""

    html: str
    text: str
    attachments: tuple[Attachment, ...] = ()

    def render(self) -> Body:
        return self


@dataclass(frozen=True)
class DigestBody:
    """A supervisor's digest: 整改进展 inline, the summary pages of the supervised
    agencies with findings (`pages`: attachment name, page file) and their 台账."""

    ctx: ProgressContext
    entries: tuple[LedgerEntry, ...]
    pages: tuple[tuple[str, Path], ...]

    def render(self) -> Body:
        from flows.publish import rule_title
        from reports.ledger_xlsx import ledger_bytes
        from reports.mail.messages import digest_text
        from reports.render import render_progress

        attachments = [
            Attachment(name, path.read_bytes(), "text", "html") for name, path in self.pages
        ]
        if self.entries:
            workbook = ledger_bytes(self.entries, rule_title)
            name = f"整改台账_{self.ctx.year}.xlsx"
            attachments.append(Attachment(name, workbook, "application", XLSX))
        return Body(
            render_progress(self.ctx), digest_text(self.ctx, len(self.pages)), tuple(attachments)
        )


@dataclass(frozen=True)
class AgencyBody:
    """One agency's own mail: its audit summary."""

    ctx: AgencySummaryContext

    def render(self) -> Body:
        from reports.mail.messages import agency_text
        from reports.render import render_agency_summary

        return Body(render_agency_summary(self.ctx), agency_text(self.ctx))
