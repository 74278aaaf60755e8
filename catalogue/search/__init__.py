"""Full-text search over published examples (placeholder until the Whoosh module lands)."""


def init_app(app) -> None:
    pass
