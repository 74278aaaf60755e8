"""Moderators review the queue, edit and decide; admins manage the accounts."""

from . import accounts, journal, reports, review
from .blueprint import bp
from .diff import compare, resubmission_changes, text_diff

__all__ = ["accounts", "bp", "compare", "journal", "reports", "resubmission_changes", "review", "text_diff"]
