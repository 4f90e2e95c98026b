"""The project's Celery app, isolated for one test run (used by test_worker.py).

Every Redis key gets the prefix in ``CERTIFICATE_TEST_KEYPREFIX``, so the test's
queues cannot meet other workers on the same Redis, and a killed worker's
unacknowledged tasks come back after a few seconds instead of an hour.
"""

import os

from config.celery import app

app.conf.broker_transport_options = {
    "global_keyprefix": os.environ["CERTIFICATE_TEST_KEYPREFIX"],
    "visibility_timeout": int(os.environ.get("CERTIFICATE_TEST_VISIBILITY", "5")),
}
app.conf.task_always_eager = False

__all__ = ["app"]
