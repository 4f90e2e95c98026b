"""Two administrators take an organisation's last place at the same moment.

Only PostgreSQL runs requests truly side by side (SQLite's IMMEDIATE
transactions queue every writer), so this runs there; CI uses PostgreSQL.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from placements import services
from placements.models import Placement
from placements.services import placement_agree
from tests.placements.helpers import organisation_create, propose

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)"
    ),
]


def test_two_administrators_cannot_both_take_the_last_place(
    make_coach, make_user, monkeypatch
):
    organisation = organisation_create(places=1)
    first = propose(coach=make_coach(), organisation=organisation)
    second = propose(coach=make_coach(), organisation=organisation)
    admins = [make_user("admin"), make_user("admin")]

    # Hold each transaction open between counting the places and saving, so
    # that without the row lock both would count 0 taken and both succeed.
    counted = services._places_taken

    def slow_count(**kwargs):
        taken = counted(**kwargs)
        time.sleep(0.5)
        return taken

    monkeypatch.setattr(services, "_places_taken", slow_count)

    start = threading.Barrier(2)
    results: dict[int, str] = {}

    def agree(placement, admin):
        try:
            start.wait(timeout=10)
            placement_agree(placement=placement, by=admin)
            results[placement.pk] = "agreed"
        except ValidationError as error:
            results[placement.pk] = error.error_list[0].code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=agree, args=(placement, admin))
        for placement, admin in zip((first, second), admins, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["agreed", "no_free_place"]
    assert (
        Placement.objects.filter(
            organisation=organisation, status__in=Placement.TAKES_A_PLACE
        ).count()
        == 1
    )
