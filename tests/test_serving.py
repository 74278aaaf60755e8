"""The gunicorn settings shipped with the package (used by every test that starts gunicorn)."""

import gc

from catalogue import gunicorn_conf


def test_gunicorn_config_tunes_the_collector_once_the_app_is_loaded():
    before = gc.get_threshold()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_threshold() == gunicorn_conf.GC_THRESHOLDS
        assert gc.get_freeze_count() > 0  # the objects made at start-up are left out
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
