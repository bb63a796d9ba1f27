"""Email delivery of the audit summaries: settings, composition, the mailer seam."""

from .compose import Attachment, compose, header_text, recipient
from .mailer import DeliveryError, Mailer, OutboxMailer, SmtpMailer, Wire, make_mailer, prepare
from .settings import MailConfigError, MailSettings, SmtpSettings, mail_settings_from_env

__all__ = [
    "Attachment",
    "DeliveryError",
    "MailConfigError",
    "MailSettings",
    "Mailer",
    "OutboxMailer",
    "SmtpMailer",
    "SmtpSettings",
    "Wire",
    "compose",
    "header_text",
    "mail_settings_from_env",
    "make_mailer",
    "prepare",
    "recipient",
]
