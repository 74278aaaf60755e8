"""Database models, one module per part: `examples` (an example, its partners, its journal),
`living` (owners' updates, relayed messages, reports), `organisations`, `media` (pictures and
documents), `accounts` (moderators and their sessions), `feeds` (the index change feed,
alerts), and `base` (UTC times, JSON lists)."""

from .accounts import LoginSession, User
from .base import JSONList, UTCDateTime, hash_token, utcnow
from .examples import Example, ModerationEvent, Partner
from .feeds import Alert, IndexChange
from .living import RelayedMessage, Report, Revision
from .media import Media, MediaFile
from .organisations import Organisation, OrganisationRedirect

__all__ = [
    "Alert", "Example", "IndexChange", "JSONList", "LoginSession", "Media", "MediaFile",
    "ModerationEvent", "Organisation", "OrganisationRedirect", "Partner", "RelayedMessage",
    "Report", "Revision", "UTCDateTime", "User", "hash_token", "utcnow",
]
