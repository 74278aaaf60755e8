"""Sizes shared by every entry path (form, import, API) and by the database columns."""

TITLE_MAX = 200
SUMMARY_MAX = 600
TEXT_MAX = 10_000
LOCALITY_MAX = 200
PARTNER_NAME_MAX = 200
PARTNER_ROLE_MAX = 300
PARTNERS_MIN = 2
PARTNERS_MAX = 12
URL_MAX = 500
NAME_MAX = 200
EMAIL_MAX = 254
