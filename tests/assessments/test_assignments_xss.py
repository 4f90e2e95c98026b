"""Hostile HTML through the real views: every payload of the corpus is written
as a trainee's answer and as a trainer's feedback, and the pages that show
them are parsed the way a browser parses them. Nothing executable survives.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Review, Submission
from config.sanitise import ALLOWED_TAGS
from tests.assessments.test_assignments import assignment_setup, level_ids
from tests.test_sanitise import PAYLOADS, browser_href, elements, parse

pytestmark = pytest.mark.django_db

# The admin draws its icons as inline SVG, as many as messages need; user
# content may hold none at all (checked per container), so SVG is left out of
# the page-wide count.
EXECUTABLE = {"script", "style", "iframe", "frame", "object", "embed", "base"}


def local_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower()


def executable_parts(root) -> Counter:
    """Everything on a page that can run or load code: script-like elements
    (with their attribute names) and event-handler attributes."""
    parts = Counter()
    for el in elements(root):
        tag = local_name(el)
        if tag in EXECUTABLE:
            # JSON data blocks never run; their values (a CSRF token) change.
            data = el.attrib.get("type") == "application/json"
            text = "" if data else "".join(el.itertext()).strip()
            parts[(tag, tuple(sorted(el.attrib)), text)] += 1
        for name in el.attrib:
            if name.lower().startswith("on"):
                parts[("event handler", tag, name.lower())] += 1
    return parts


def assert_nothing_executable(
    html: str, class_name: str, payload: str, *, baseline: Counter | None = None
) -> None:
    """The user-written part holds only allow-listed markup, and the page as a
    whole has exactly the executable parts it has with harmless text."""
    root = parse(html)
    found = [
        el
        for el in elements(root)
        if class_name in (el.attrib.get("class") or "").split()
    ]
    assert found, f"no .{class_name} on the page"
    for container in found:
        for el in elements(container)[1:]:
            tag = local_name(el)
            assert tag in ALLOWED_TAGS, f"<{tag}> survived {payload!r}"
            allowed = {"href", "rel"} if tag == "a" else set()
            assert set(el.attrib) <= allowed, f"{el.attrib} survived {payload!r}"
            if tag == "a":
                assert el.attrib.get("rel") == "noopener nofollow"
                if "href" in el.attrib:
                    href = browser_href(el.attrib["href"])
                    assert urlsplit(href).scheme in {"http", "https", "mailto"}
                    assert "script:" not in href, payload
    if baseline is not None:
        assert executable_parts(root) == baseline, payload


def baseline_of(response) -> Counter:
    return executable_parts(parse(response.content.decode()))


@pytest.fixture
def setup(make_user):
    return assignment_setup(make_user)


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 100


@pytest.fixture
def clients(setup):
    """One browser for the trainee and one for the trainer, signed in once."""
    trainee, trainer = Client(), Client()
    trainee.force_login(setup.trainee)
    trainer.force_login(setup.trainer)
    return trainee, trainer


def test_hostile_answers_are_shown_inert_to_the_trainee_and_the_trainer(setup, clients):
    trainee, trainer = clients
    draft_url = reverse("assignment_draft_save", args=[setup.page.pk])
    accept_json = {"HTTP_ACCEPT": "application/json"}

    def pages():
        submission = Submission.objects.get(user=setup.trainee)
        mine = trainee.get(reverse("assignment_submission", args=[submission.pk]))
        editor = trainee.get(setup.page.url)
        grading = trainer.get(
            reverse("assessments_grading_submission", args=[submission.pk])
        )
        assert grading.status_code == 200
        return mine, editor, grading

    trainee.post(draft_url, {"body": "<p>Harmless <em>text</em></p>"}, **accept_json)
    baselines = [baseline_of(response) for response in pages()]

    stored = 0
    for payload in PAYLOADS:
        saved = trainee.post(draft_url, {"body": payload}, **accept_json)
        assert saved.status_code in (200, 400, 409), payload
        if saved.status_code != 200:
            # Refused outright (a NUL character, nested too deep...): the
            # draft keeps its previous text.
            assert saved.json()["ok"] is False
            continue
        stored += 1
        mine, editor, grading = pages()
        assert_nothing_executable(
            mine.content.decode(), "submission-body", payload, baseline=baselines[0]
        )
        # The editor holds the stored text escaped inside its text area.
        assert_nothing_executable(
            editor.content.decode(), "lesson-body", payload, baseline=baselines[1]
        )
        assert_nothing_executable(
            grading.content.decode(),
            "submission-body",
            payload,
            baseline=baselines[2],
        )
    assert stored >= 100


def test_hostile_feedback_is_shown_inert_to_the_trainee(setup, clients):
    trainee, trainer = clients
    scores = {
        f"criterion_{cid}": level
        for cid, level in level_ids(setup.page, "Not yet").items()
    }
    submit_url = reverse("assignment_submit", args=[setup.page.pk])

    def hand_in_and_grade(feedback):
        trainee.post(submit_url, {"body": "<p>My revised analysis.</p>"})
        submission = Submission.objects.filter(user=setup.trainee).latest("version")
        assert submission.status == Submission.Status.SUBMITTED
        url = reverse("assessments_grading_submission", args=[submission.pk])
        response = trainer.post(
            url, {**scores, "decision": "returned", "feedback": feedback}
        )
        page = trainee.get(reverse("assignment_submission", args=[submission.pk]))
        return submission, response, page

    screen = trainer.get(
        reverse(
            "assessments_grading_submission",
            args=[hand_in_and_grade("<p>Fine.</p>")[0].pk],
        )
    )
    _, _, page = hand_in_and_grade("<p>Add <b>one</b> scaling question.</p>")
    screen_baseline, page_baseline = baseline_of(screen), baseline_of(page)

    graded = refused = 0
    for payload in PAYLOADS:
        submission, response, page = hand_in_and_grade(payload)
        if response.status_code == 200:
            # Refused as unreadable (a NUL character, nested too deep...):
            # the form comes back with the text in its text area, inert.
            assert not Review.objects.filter(submission=submission).exists()
            assert_nothing_executable(
                response.content.decode(),
                "submission-body",
                payload,
                baseline=screen_baseline,
            )
            refused += 1
            # Grade it harmlessly so the next version can be handed in.
            trainer.post(
                reverse("assessments_grading_submission", args=[submission.pk]),
                {**scores, "decision": "returned", "feedback": ""},
            )
            continue
        assert response.status_code == 302, payload
        graded += 1
        html = page.content.decode()
        if Review.objects.get(submission=submission).feedback_html:
            assert_nothing_executable(html, "feedback", payload, baseline=page_baseline)
        assert_nothing_executable(html, "submission-body", payload)
    assert graded >= 100
    assert graded + refused == len(PAYLOADS)
