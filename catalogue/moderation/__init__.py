"""Moderators review the queue, edit and decide; admins manage the accounts."""

from ..diff import compare, resubmission_changes, text_diff
from . import accounts, journal, messages, organisations, reports, review, updates
from .blueprint import bp

__all__ = ["accounts", "bp", "compare", "journal", "messages", "organisations", "reports",
           "resubmission_changes", "review", "text_diff", "updates"]
