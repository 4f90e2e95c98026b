import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from reports.models import ExportJob
from reports.pseudonym import pseudonym
from tests.placements.conftest import staff_login

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/programme_reports/"


@pytest.fixture
def admin_client(client, programme_admin):
    return staff_login(client, programme_admin)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_only_programme_administrators_see_the_reports(client, make_user, world):
    job_url = reverse("programme_reports:export_jobs")
    urls = [
        DASHBOARD,
        f"{DASHBOARD}?cohort={world['cohort'].pk}",
        reverse("programme_reports:table_csv", args=["funnel"]),
        job_url,
    ]
    staff_login(client, make_user("admin"))
    for url in urls:
        assert client.get(url).status_code == 200, url

    # Wagtail answers a refused admin page by sending the person back to the
    # admin's home page with a message; no figure is ever shown.
    staff_login(client, make_user("trainer"))
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    export = client.post(reverse("programme_reports:participants_export"))
    assert (export.status_code, export["Location"]) == (302, "/admin/")

    client.force_login(world["users"][0])  # a trainee: not in the admin at all
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert not response["Location"].startswith("/admin/")

    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def test_the_dashboard_shows_figures_charts_and_the_rule(admin_client, world):
    response = admin_client.get(f"{DASHBOARD}?cohort={world['cohort'].pk}")
    content = response.content.decode()

    assert response.status_code == 200
    assert "<strong>12</strong> participants of 20 planned (60 %)" in content
    assert content.count('role="img"') == 2
    assert 'aria-labelledby="funnel-' in content
    assert "&lt;5</abbr>" in content
    for title in (
        "From invitation to placement",
        "Hours of learning and practice",
        "Outcomes at exit",
        "Outcomes at follow-up",
        "Cohorts",
    ):
        assert title in content


def test_each_table_csv_matches_the_dashboard(admin_client, world):
    for scope in ("total", str(world["cohort"].pk), str(world["later"].pk)):
        page = admin_client.get(f"{DASHBOARD}?cohort={scope}")
        tables = [*page.context["tables"], page.context["overview"]]
        for table in tables:
            response = admin_client.get(table["csv_url"])
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            rows = csv_rows(response)
            assert rows[0] == [table["title"], *table["header"]]
            assert rows[1:] == [
                [row["label"], *(cell["text"] for cell in row["cells"])]
                for row in table["rows"]
            ]
            # And the HTML shows the same strings.
            html = page.content.decode()
            for row in rows[1:]:
                for text in row[1:]:
                    assert text.replace("<", "&lt;") in html


def test_an_unknown_table_or_cohort_is_404(admin_client, world):
    assert (
        admin_client.get(
            reverse("programme_reports:table_csv", args=["secrets"])
        ).status_code
        == 404
    )
    url = reverse("programme_reports:table_csv", args=["funnel"])
    assert admin_client.get(f"{url}?cohort=99999").status_code == 404


def test_the_participant_export_is_pseudonymous(admin_client, world):
    response = admin_client.post(
        reverse("programme_reports:participants_export"),
        {"cohort": world["cohort"].pk},
    )

    assert response.status_code == 200
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "participant",
        "cohort",
        "membership_status",
        "participated",
        "gender",
        "age_band",
    ]
    assert len(body) == 14
    text = "\n".join(",".join(row) for row in rows)
    for user in world["users"]:
        assert user.email not in text
        assert user.legal_name not in text
    first = world["users"][0]
    row = next(r for r in body if r[0] == pseudonym(first.pk))
    record = dict(zip(header, row, strict=True))
    assert record["gender"] == "woman"
    assert record["age_band"] == "25_54"
    assert record["steps_done"] == "2"
    assert record["learning_hours"] == "1.0"
    assert record["certified"] == "yes"
    assert record["placement_status"] == "active"
    assert record["exit_outcome"] == "in_placement"
    assert record["follow_up_outcome"] == "in_work"
    assert re.fullmatch(r"[0-9a-f]{16}", record["participant"])


def test_the_pseudonym_is_stable_and_keyed(settings):
    first = pseudonym(42)
    assert pseudonym(42) == first
    assert pseudonym(43) != first
    settings.SECRET_KEY = "another-key-entirely-0123456789-abcdefghijklmnop"
    assert pseudonym(42) != first


def test_a_large_export_runs_as_a_job(
    admin_client,
    programme_admin,
    world,
    settings,
    make_user,
    client,
    django_capture_on_commit_callbacks,
):
    settings.REPORTS_EXPORT_STREAM_LIMIT = 5
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("programme_reports:participants_export"), {"cohort": "total"}
        )

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FINISHED
    assert job.requested_by == programme_admin
    assert job.row_count == 20  # 14 + 6 memberships
    path = Path(job.file.path)
    assert Path(settings.PRIVATE_MEDIA_ROOT, "reports") in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents

    listing = admin_client.get(reverse("programme_reports:export_jobs"))
    download_url = reverse("programme_reports:export_download", args=[job.pk])
    assert download_url in listing.content.decode()
    download = admin_client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    body = b"".join(download.streaming_content).decode("utf-8")
    assert body.count("\n") == 21

    # Another administrator cannot fetch someone else's file.
    other = staff_login(client, make_user("admin"))
    assert other.get(download_url).status_code == 404


def test_the_dashboard_runs_a_fixed_number_of_queries(
    admin_client, world, make_user, django_assert_max_num_queries
):
    from tests.placements.helpers import join

    admin_client.get(DASHBOARD)
    with django_assert_max_num_queries(40) as captured:
        admin_client.get(DASHBOARD)
    for _n in range(30):
        join(cohort=world["later"], user=make_user("trainee", gender="man"))
    with django_assert_max_num_queries(len(captured.captured_queries)):
        admin_client.get(DASHBOARD)


def test_outcomes_are_recorded_in_the_admin(
    admin_client, programme_admin, world, make_user
):
    participant = world["users"][11]
    response = admin_client.post(
        "/admin/participant_outcomes/new/",
        {
            "participant": participant.pk,
            "cohort": world["cohort"].pk,
            "stage": "follow_up",
            "kind": "in_studies",
            "date": "2026-09-01",
            "note": "",
        },
    )
    assert response.status_code == 302
    outcome = participant.outcomes.get(stage="follow_up")
    assert (outcome.kind, outcome.recorded_by) == ("in_studies", programme_admin)

    outsider = world["newcomers"][0]  # only in the later cohort
    response = admin_client.post(
        "/admin/participant_outcomes/new/",
        {
            "participant": outsider.pk,
            "cohort": world["cohort"].pk,
            "stage": "exit",
            "kind": "in_work",
            "date": "2026-02-01",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "not a member of the cohort" in response.content.decode()
    assert not outsider.outcomes.exists()
