"""Default settings; instance/config.py and CATALOGUE_* environment variables override them."""

# Database and index: computed from the instance folder when left empty.
DATABASE_URL = ""
INDEX_DIR = ""

# Generated into instance/secret_key on first run when empty.
SECRET_KEY = ""

# Serve over HTTPS only (HSTS, Secure cookies).
HTTPS = False
# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXIES = 0

LOG_LEVEL = "INFO"

PER_PAGE = 20
MAX_CONTENT_LENGTH = 512 * 1024
# The forms that take photos and documents (views marked `views.takes_files`): five photos
# and three documents of 10 MB each, and the text.
UPLOAD_MAX_CONTENT_LENGTH = 82 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

WTF_CSRF_TIME_LIMIT = 6 * 3600

# A moderator's session ends after this many minutes without a request.
SESSION_IDLE_MINUTES = 8 * 60

# Rate limits (Flask-Limiter). memory:// counts in each worker process: one host, limits
# multiplied by its workers. redis://host:6379/0 counts once for every worker of every host.
RATELIMIT_STORAGE_URI = "memory://"
# Keyword arguments of the storage client (JSON in CATALOGUE_RATELIMIT_STORAGE_OPTIONS). For
# Redis, REDIS_TIMEOUTS below are added unless given: a Redis that hangs must not hang the site.
RATELIMIT_STORAGE_OPTIONS: dict = {}
# Redis unreachable: each process counts in its own memory until Redis answers again, so login,
# submission, alerts and contact stay limited (per process); pages without a limit never ask it.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
# Redis lost in the middle of a request (after its check): that one count is dropped and logged,
# never a 500.
RATELIMIT_SWALLOW_ERRORS = True
# Keys in Redis start with this: one Redis may serve other applications too.
RATELIMIT_KEY_PREFIX = "catalogue"
RATELIMIT_HEADERS_ENABLED = True
LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
SUBMIT_RATE_LIMIT = "5 per hour;20 per day"
ALERT_RATE_LIMIT = "5 per hour;20 per day"
REPORT_RATE_LIMIT = "5 per hour;20 per day"
CONTACT_RATE_LIMIT = "5 per hour;20 per day"
# Suggestions of organisations: a request per key stroke (debounced) while typing a partner.
SUGGESTIONS_RATE_LIMIT = "120 per minute;2000 per hour"
# Visitors' messages to the people behind an example, counted in the database (every worker
# sees the same counts) over the last 24 hours: per sender address, and per example.
CONTACT_PER_SENDER_PER_DAY = 5
CONTACT_PER_EXAMPLE_PER_DAY = 10
# Asking for a new follow-up link by mail, per address of the visitor.
RENEW_RATE_LIMIT = "5 per hour;20 per day"

BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

# Mail goes to the log unless MAIL_SERVER is set.
MAIL_SERVER = ""
MAIL_PORT = 587
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_USE_TLS = True
MAIL_SENDER = "Catalogue des alliances <ne-pas-repondre@localhost>"
# Moderators notified of new submissions; empty: every active moderator account.
MAIL_MODERATORS: list[str] = []

# Absolute base URL of the site: every link in a mail is built from it, never from the request.
BASE_URL = "http://127.0.0.1:5000"
# Host names the site answers to; any other Host header gets 400. Empty: the host of BASE_URL,
# 127.0.0.1 and localhost. A list, or a string of comma-separated names ("a.org,.b.org": a
# leading dot accepts every subdomain).
TRUSTED_HOSTS: list[str] | str = []

# Who publishes the site, shown on the legal notice, the contact page and the accessibility
# statement. Empty details are shown as « non renseigné ». CONTACT_EMAIL empty: contact@ the
# host of BASE_URL.
PUBLISHER_NAME = "Catalogue des alliances"
PUBLISHER_ADDRESS = ""
PUBLICATION_DIRECTOR = ""
CONTACT_EMAIL = ""
HOSTING_NAME = ""
HOSTING_ADDRESS = ""

# Pictures and documents live in the database; each host keeps a copy of the files it served
# in this folder (empty: media-cache in the instance folder) and serves that copy next time.
MEDIA_CACHE_DIR = ""

# Search index: seconds to wait for the index writer lock, and how long the change feed keeps
# its rows (an index copy that has not read the feed for that long is rebuilt).
SEARCH_WRITE_TIMEOUT = 5.0
INDEX_FEED_RETENTION = 7 * 24 * 3600
# gunicorn workers follow the change feed, so that changes made through other hosts reach
# this host's index (one worker per host follows; see catalogue.search.follow).
SEARCH_FOLLOW = True
