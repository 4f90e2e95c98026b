"""Table-driven tests for the pure grading rules (no database)."""

import copy
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest

from assessments.grading import (
    AttemptSummary,
    IncompleteRubric,
    InvalidQuestion,
    InvalidRubric,
    InvalidScore,
    attempts_remaining,
    deadline_state,
    feedback_visible,
    grade_attempt,
    grade_question,
    grade_rubric,
    is_late,
    public_question,
    select_result,
    shuffled,
    shuffled_questions,
)

D = Decimal


def option(oid, *, correct=False):
    return {
        "id": oid,
        "text": f"Text {oid}",
        "correct": correct,
        "feedback": f"Fb {oid}",
    }


SINGLE = {
    "id": "q-single",
    "type": "single_choice",
    "prompt": "<p>Which one?</p>",
    "points": "2",
    "options": [option("a", correct=True), option("b"), option("c")],
}
MULTI_ALL = {
    "id": "q-multi-all",
    "type": "multiple_choice",
    "prompt": "<p>Pick all that apply</p>",
    "points": "1",
    "scoring": "all_or_nothing",
    "options": [
        option("a", correct=True),
        option("b", correct=True),
        option("c"),
        option("d"),
    ],
}


def multi_partial(points, correct=("a", "b", "c"), wrong=("d", "e")):
    return {
        "id": "q-multi-partial",
        "type": "multiple_choice",
        "prompt": "<p>Pick all that apply</p>",
        "points": points,
        "scoring": "partial",
        "options": [option(o, correct=True) for o in correct]
        + [option(o) for o in wrong],
    }


def true_false(correct):
    return {
        "id": "q-tf",
        "type": "true_false",
        "prompt": "<p>True?</p>",
        "points": "1",
        "correct": correct,
        "feedback_true": "You said true",
        "feedback_false": "You said false",
    }


def short_text(accepted, *, case_sensitive=False, normalise_whitespace=True):
    return {
        "id": "q-short",
        "type": "short_text",
        "prompt": "<p>Name it</p>",
        "points": "1",
        "accepted_answers": list(accepted),
        "case_sensitive": case_sensitive,
        "normalise_whitespace": normalise_whitespace,
    }


ORDERING = {
    "id": "q-order",
    "type": "ordering",
    "prompt": "<p>Put in order</p>",
    "points": "1.5",
    "items": [{"id": i, "text": f"Step {i}"} for i in ("i1", "i2", "i3", "i4")],
}
REFLECTION = {
    "id": "q-reflect",
    "type": "reflection",
    "prompt": "<p>What did you notice?</p>",
    "points": "5",
}

WRONG_TYPES = [None, "", 0, 1, True, False, 1.5, {}, {"id": "a"}, [], ["a"], ("a",)]


def check(result, *, awarded, possible, correct, feedback=()):
    assert str(result.points_awarded) == awarded
    assert str(result.points_possible) == possible
    assert result.correct is correct
    assert result.feedback == tuple(feedback)
    assert isinstance(result.points_awarded, Decimal)


# --- single choice ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "awarded", "correct", "feedback"),
    [
        ("a", "2.00", True, ["Fb a"]),
        ("b", "0.00", False, ["Fb b"]),
        ("c", "0.00", False, ["Fb c"]),
        ("unknown", "0.00", False, []),
        ("A", "0.00", False, []),
        (" a", "0.00", False, []),
        ("", "0.00", False, []),
        (None, "0.00", False, []),
        (["a"], "0.00", False, []),
        ({"id": "a"}, "0.00", False, []),
        (1, "0.00", False, []),
        (True, "0.00", False, []),
    ],
)
def test_single_choice(answer, awarded, correct, feedback):
    result = grade_question(question=SINGLE, answer=answer)
    check(result, awarded=awarded, possible="2.00", correct=correct, feedback=feedback)
    assert result.question_id == "q-single"


# --- multiple choice --------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "awarded", "correct", "feedback"),
    [
        (["a", "b"], "1.00", True, ["Fb a", "Fb b"]),
        (["b", "a"], "1.00", True, ["Fb a", "Fb b"]),
        (["a", "a", "b", "b"], "1.00", True, ["Fb a", "Fb b"]),
        (["a", "b", "zzz"], "1.00", True, ["Fb a", "Fb b"]),
        (["a", "b"] * 50_000, "1.00", True, ["Fb a", "Fb b"]),
        (["a"], "0.00", False, ["Fb a"]),
        (["a", "b", "c"], "0.00", False, ["Fb a", "Fb b", "Fb c"]),
        (["a", "b", "c", "d"], "0.00", False, ["Fb a", "Fb b", "Fb c", "Fb d"]),
        (["c"] * 100_000, "0.00", False, ["Fb c"]),
        (["a", "b", 1], "0.00", False, []),
        (["a", "b", None], "0.00", False, []),
        ([["a"], "b"], "0.00", False, []),
        ([], "0.00", False, []),
        (None, "0.00", False, []),
        ("a", "0.00", False, []),
        ("ab", "0.00", False, []),
        (("a", "b"), "0.00", False, []),
        ({"a": True, "b": True}, "0.00", False, []),
    ],
)
def test_multiple_choice_all_or_nothing(answer, awarded, correct, feedback):
    result = grade_question(question=MULTI_ALL, answer=answer)
    check(result, awarded=awarded, possible="1.00", correct=correct, feedback=feedback)


def test_multiple_choice_scoring_defaults_to_all_or_nothing():
    question = {k: v for k, v in MULTI_ALL.items() if k != "scoring"}
    assert grade_question(question=question, answer=["a"]).points_awarded == 0
    assert grade_question(question=question, answer=["a", "b"]).correct is True


@pytest.mark.parametrize(
    ("points", "answer", "awarded", "correct"),
    [
        # 3 correct (a, b, c), 2 wrong (d, e): each right +1/3, each wrong -1/3.
        ("1", ["a"], "0.33", False),
        ("1", ["a", "b"], "0.67", False),
        ("1", ["a", "b", "c"], "1.00", True),
        ("1", ["c", "b", "a"], "1.00", True),
        ("1", ["a", "d"], "0.00", False),
        ("1", ["a", "b", "d"], "0.33", False),
        ("1", ["a", "b", "c", "d"], "0.67", False),
        ("1", ["a", "b", "c", "d", "e"], "0.33", False),  # all ticked
        ("1", ["d"], "0.00", False),  # floors at 0, never negative
        ("1", ["d", "e"], "0.00", False),
        ("1", ["a", "d", "e"], "0.00", False),
        ("1", ["a", "a", "a"], "0.33", False),  # duplicates count once
        ("1", ["d", "d", "a", "b"], "0.33", False),
        ("1", ["a", "nope", "nada"], "0.33", False),  # unknown ids ignored
        ("1", [], "0.00", False),
        ("1", None, "0.00", False),
        ("1", "a", "0.00", False),
        ("1", ["a", 2], "0.00", False),
        ("2.5", ["a"], "0.83", False),  # 0.8333...
        ("2.5", ["a", "b"], "1.67", False),  # 1.6666...
        ("2.5", ["a", "b", "c"], "2.50", True),
        ("3", ["a"], "1.00", False),  # 3 * 1/3 is exactly 1
        ("3", ["a", "b"], "2.00", False),
        ("0.1", ["a"], "0.03", False),
    ],
)
def test_multiple_choice_partial(points, answer, awarded, correct):
    question = multi_partial(points)
    result = grade_question(question=question, answer=answer)
    assert str(result.points_awarded) == awarded
    assert result.correct is correct
    assert D(0) <= result.points_awarded <= result.points_possible


@pytest.mark.parametrize(
    ("points", "answer", "awarded"),
    [
        # 0.05 / 2 = 0.025: ROUND_HALF_UP gives 0.03 where banker's gives 0.02.
        ("0.05", ["a"], "0.03"),
        ("0.15", ["a"], "0.08"),  # 0.075
        ("1", ["a"], "0.50"),
        ("1", ["a", "b"], "1.00"),
    ],
)
def test_partial_rounds_half_up(points, answer, awarded):
    question = multi_partial(points, correct=("a", "b"), wrong=("c",))
    with localcontext() as ctx:  # the caller's decimal context must not matter
        ctx.prec = 3
        ctx.rounding = "ROUND_FLOOR"
        result = grade_question(question=question, answer=answer)
    assert str(result.points_awarded) == awarded


@pytest.mark.parametrize(
    ("scoring", "answer", "awarded", "correct"),
    [
        ("partial", [], "1.00", True),
        ("partial", ["d"], "0.00", False),
        ("all_or_nothing", [], "1.00", True),
        ("all_or_nothing", ["d"], "0.00", False),
        ("all_or_nothing", None, "0.00", False),
    ],
)
def test_multiple_choice_without_correct_options(scoring, answer, awarded, correct):
    question = multi_partial("1", correct=(), wrong=("d", "e")) | {"scoring": scoring}
    result = grade_question(question=question, answer=answer)
    assert str(result.points_awarded) == awarded
    assert result.correct is correct


# --- true / false -----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answer", "awarded", "correct", "feedback"),
    [
        (True, True, "1.00", True, ["You said true"]),
        (True, False, "0.00", False, ["You said false"]),
        (False, False, "1.00", True, ["You said false"]),
        (False, True, "0.00", False, ["You said true"]),
        (True, 1, "0.00", False, []),
        (False, 0, "0.00", False, []),
        (True, "true", "0.00", False, []),
        (False, "false", "0.00", False, []),
        (False, "", "0.00", False, []),
        (True, None, "0.00", False, []),
        (False, None, "0.00", False, []),
        (True, [True], "0.00", False, []),
    ],
)
def test_true_false(key, answer, awarded, correct, feedback):
    result = grade_question(question=true_false(key), answer=answer)
    check(result, awarded=awarded, possible="1.00", correct=correct, feedback=feedback)


def test_true_false_empty_feedback_is_left_out():
    question = true_false(True) | {"feedback_true": "", "feedback_false": ""}
    assert grade_question(question=question, answer=True).feedback == ()


# --- short text -------------------------------------------------------------

CAFE_NFC = "caf\u00e9"
CAFE_NFD = "cafe\u0301"


@pytest.mark.parametrize(
    ("accepted", "case_sensitive", "normalise_whitespace", "answer", "correct"),
    [
        (["Paris"], False, True, "Paris", True),
        (["Paris"], False, True, "paris", True),
        (["Paris"], False, True, "  PARIS \n", True),
        (["Paris"], False, True, "Paris\u00a0", True),  # no-break space
        (["Paris"], False, True, "Par is", False),
        (["Paris"], False, True, "Pariss", False),
        (["Paris"], True, True, "paris", False),
        (["Paris"], True, True, "Paris", True),
        (["Paris"], True, True, " Paris ", True),
        (["Paris"], True, False, " Paris", False),
        (["Paris"], False, False, "PARIS", True),
        (["person centred"], False, True, "Person \t\n  Centred", True),
        (["person centred"], False, False, "person  centred", False),
        (["  person   centred "], False, True, "person centred", True),
        (["London", "Paris"], False, True, "london", True),
        ([CAFE_NFC], True, False, CAFE_NFD, True),
        ([CAFE_NFD], True, False, CAFE_NFC, True),
        ([CAFE_NFC], False, True, CAFE_NFD.upper(), True),
        (["F\u00f6r\u00e4ndring"], False, True, "fo\u0308ra\u0308ndring", True),
        (["F\u00f6r\u00e4ndring"], True, True, "fo\u0308ra\u0308ndring", False),
        (["stra\u00dfe"], False, True, "STRASSE", True),  # casefold
        (["stra\u00dfe"], True, True, "STRASSE", False),
        ([""], False, True, "", False),  # empty is never correct
        ([""], False, True, "   ", False),
        (["Paris"], False, True, "", False),
        (["Paris"], False, True, None, False),
        (["Paris"], False, True, 5, False),
        (["Paris"], False, True, ["Paris"], False),
        (["Paris"], False, True, b"Paris", False),
        ([], False, True, "Paris", False),
        (["Paris"], False, True, "Paris" * 100_000, False),
    ],
)
def test_short_text(accepted, case_sensitive, normalise_whitespace, answer, correct):
    question = short_text(
        accepted,
        case_sensitive=case_sensitive,
        normalise_whitespace=normalise_whitespace,
    )
    result = grade_question(question=question, answer=answer)
    check(
        result,
        awarded="1.00" if correct else "0.00",
        possible="1.00",
        correct=correct,
    )


# --- ordering ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "correct"),
    [
        (["i1", "i2", "i3", "i4"], True),
        (["i2", "i1", "i3", "i4"], False),
        (["i4", "i3", "i2", "i1"], False),
        (["i1", "i2", "i3"], False),
        (["i1", "i2", "i3", "i4", "i4"], False),
        (["i1", "i2", "i3", "i4", "x"], False),
        (["i1", "i1", "i3", "i4"], False),
        (["i1", "i2", "i3", 4], False),
        (["i1", "i2", "i3", "i4"] * 10_000, False),
        (("i1", "i2", "i3", "i4"), False),
        ("i1i2i3i4", False),
        ({"i1": 1}, False),
        ([], False),
        (None, False),
    ],
)
def test_ordering_is_all_or_nothing(answer, correct):
    result = grade_question(question=ORDERING, answer=answer)
    check(
        result,
        awarded="1.50" if correct else "0.00",
        possible="1.50",
        correct=correct,
    )


# --- reflection -------------------------------------------------------------


@pytest.mark.parametrize("answer", ["Deep thoughts", "", None, 42, ["x"], True])
def test_reflection_is_never_graded(answer):
    result = grade_question(question=REFLECTION, answer=answer)
    check(result, awarded="0.00", possible="0.00", correct=None)


# --- malformed questions ----------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        SINGLE | {"type": "essay"},
        SINGLE | {"type": None},
        SINGLE | {"id": ""},
        SINGLE | {"id": 7},
        SINGLE | {"points": "abc"},
        SINGLE | {"points": "-1"},
        SINGLE | {"points": "NaN"},
        SINGLE | {"points": "Infinity"},
        SINGLE | {"points": "1e40"},
        SINGLE | {"points": 1.0},
        SINGLE | {"points": True},
        SINGLE | {"points": None},
        {k: v for k, v in SINGLE.items() if k != "points"},
        {k: v for k, v in SINGLE.items() if k != "options"},
        SINGLE | {"options": None},
        SINGLE | {"options": [{"text": "no id"}]},
        MULTI_ALL | {"scoring": "generous"},
        {k: v for k, v in ORDERING.items() if k != "items"},
        ORDERING | {"items": []},
        ORDERING | {"items": [{"id": "i1", "text": "a"}, {"id": "i1", "text": "b"}]},
        SINGLE | {"options": [option("a"), option("a")]},
        SINGLE | {"options": [option("a") | {"correct": "yes"}]},
        SINGLE | {"options": ["a", "b"]},
        true_false(True) | {"correct": None},
        true_false(True) | {"correct": "true"},
        short_text(["Paris"]) | {"accepted_answers": "Paris"},
        short_text(["Paris"]) | {"accepted_answers": [None, "Paris"]},
        short_text(["Paris"]) | {"case_sensitive": None},
        None,
        "question",
    ],
)
@pytest.mark.parametrize("answer", ["a", None, ["i1"]])
def test_malformed_question_raises(question, answer):
    # Whatever the answer, a broken snapshot is reported, not graded.
    with pytest.raises(InvalidQuestion):
        grade_question(question=question, answer=answer)
    with pytest.raises(InvalidQuestion):
        public_question(question)


@pytest.mark.parametrize(
    ("points", "possible"),
    [("1", "1.00"), ("2.5", "2.50"), ("0.125", "0.13"), (3, "3.00"), ("0", "0.00")],
)
def test_points_possible_rounded(points, possible):
    result = grade_question(question=SINGLE | {"points": points}, answer="a")
    assert str(result.points_possible) == possible
    assert result.points_awarded == result.points_possible


# --- attempts ---------------------------------------------------------------


def one_point(qid, key):
    return {
        "id": qid,
        "type": "single_choice",
        "prompt": "",
        "points": "1",
        "options": [option(key, correct=True), option("wrong")],
    }


FOUR = [one_point(f"q{n}", f"k{n}") for n in range(1, 5)] + [REFLECTION]
THREE = [one_point(f"q{n}", f"k{n}") for n in range(1, 4)]
FULL = [SINGLE, multi_partial("2.5"), true_false(True), short_text(["Paris"])]
FULL += [ORDERING, REFLECTION]
FULL_RIGHT = {
    "q-single": "a",
    "q-multi-partial": ["a", "b", "c"],
    "q-tf": True,
    "q-short": " paris ",
    "q-order": ["i1", "i2", "i3", "i4"],
    "q-reflect": "I learnt a lot",
}


@pytest.mark.parametrize(
    ("questions", "answers", "mark", "score", "max_score", "percent", "passed"),
    [
        (FULL, FULL_RIGHT, "100", "8.00", "8.00", "100.00", True),
        (FULL, {}, "50", "0.00", "8.00", "0.00", False),
        (FULL, {}, "0", "0.00", "8.00", "0.00", True),
        (FULL, None, "50", "0.00", "8.00", "0.00", False),
        (FULL, ["a", "b"], "50", "0.00", "8.00", "0.00", False),
        (FULL, "q-single", "50", "0.00", "8.00", "0.00", False),
        # 2 + 1.67 + 1 + 0 + 0 = 4.67 of 8 = 58.375 %
        (
            FULL,
            FULL_RIGHT | {"q-multi-partial": ["a", "b"], "q-short": "", "q-order": []},
            "58.38",
            "4.67",
            "8.00",
            "58.38",
            True,
        ),
        (FULL, FULL_RIGHT | {"q-single": "b"}, "75", "6.00", "8.00", "75.00", True),
        (FULL, FULL_RIGHT | {"q-single": "b"}, "75.01", "6.00", "8.00", "75.00", False),
        # pass exactly at the mark
        (
            FOUR,
            {"q1": "k1", "q2": "k2", "q3": "k3"},
            "75",
            "3.00",
            "4.00",
            "75.00",
            True,
        ),
        (
            FOUR,
            {"q1": "k1", "q2": "k2", "q3": "k3"},
            "75.01",
            "3.00",
            "4.00",
            "75.00",
            False,
        ),
        (
            FOUR,
            {"q1": "k1", "q2": "k2", "q3": "k3"},
            "74.99",
            "3.00",
            "4.00",
            "75.00",
            True,
        ),
        # rounded percent is what is compared: 2/3 = 66.666... -> 66.67
        (THREE, {"q1": "k1", "q2": "k2"}, "66.67", "2.00", "3.00", "66.67", True),
        (THREE, {"q1": "k1", "q2": "k2"}, "66.68", "2.00", "3.00", "66.67", False),
        (THREE, {"q1": "k1"}, "33.33", "1.00", "3.00", "33.33", True),
        # answers to unknown questions are ignored
        (THREE, {"q9": "k1", "q1": "k1"}, "0", "1.00", "3.00", "33.33", True),
        # 0 gradable points: passed only when the pass mark is 0
        ([REFLECTION], {"q-reflect": "text"}, "0", "0.00", "0.00", "0.00", True),
        ([REFLECTION], {"q-reflect": "text"}, "50", "0.00", "0.00", "0.00", False),
        ([REFLECTION], {}, "0.01", "0.00", "0.00", "0.00", False),
        ([], {}, "0", "0.00", "0.00", "0.00", True),
        ([], {}, "100", "0.00", "0.00", "0.00", False),
    ],
)
def test_grade_attempt(questions, answers, mark, score, max_score, percent, passed):
    result = grade_attempt(
        questions=questions, answers=answers, pass_mark_percent=D(mark)
    )
    assert str(result.score) == score
    assert str(result.max_score) == max_score
    assert str(result.percent) == percent
    assert result.passed is passed
    assert [r.question_id for r in result.results] == [q["id"] for q in questions]


@pytest.mark.parametrize(
    "reflection", ["Deep thoughts", "", None, 42, ["x"], "x" * 10**5]
)
@pytest.mark.parametrize(("mark", "passed"), [("75", True), ("75.01", False)])
def test_reflection_never_affects_pass(reflection, mark, passed):
    answers = {"q1": "k1", "q2": "k2", "q3": "k3", "q-reflect": reflection}
    result = grade_attempt(questions=FOUR, answers=answers, pass_mark_percent=D(mark))
    assert (result.score, result.max_score) == (D(3), D(4))
    assert result.passed is passed


@pytest.mark.parametrize(
    ("mark", "error"),
    [
        (D("-1"), ValueError),
        (D("100.01"), ValueError),
        (D("NaN"), ValueError),
        (50.0, ValueError),
        ("fifty", ValueError),
        (None, ValueError),
    ],
)
def test_invalid_pass_mark(mark, error):
    with pytest.raises(error):
        grade_attempt(questions=THREE, answers={}, pass_mark_percent=mark)


def test_duplicate_question_ids_raise():
    with pytest.raises(InvalidQuestion):
        grade_attempt(questions=[SINGLE, SINGLE], answers={}, pass_mark_percent=D(0))


# --- public questions and shuffling -----------------------------------------

SECRET_KEYS = {
    "correct",
    "feedback",
    "feedback_true",
    "feedback_false",
    "accepted_answers",
    "case_sensitive",
    "normalise_whitespace",
}
ALL_QUESTIONS = [
    SINGLE,
    MULTI_ALL,
    multi_partial("2.5"),
    true_false(True),
    true_false(False),
    short_text(["Paris", "Lutetia"]),
    ORDERING,
    REFLECTION,
]


def secrets_of(question):
    texts = {o["feedback"] for o in question.get("options", [])}
    texts |= set(question.get("accepted_answers", []))
    texts |= {question[k] for k in ("feedback_true", "feedback_false") if k in question}
    return texts


def walk(value):
    """Yield every (key, value) pair and every leaf value, recursively."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield None, item
            yield from walk(item)


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q["type"])
@pytest.mark.parametrize("seed", [None, "attempt-1", "attempt-2"])
def test_public_question_reveals_no_key(question, seed):
    before = copy.deepcopy(question)
    public = public_question(question, seed=seed)
    assert question == before  # input untouched
    json.dumps(public)  # JSON-able
    secrets = secrets_of(question)
    for key, value in walk(public):
        assert key not in SECRET_KEYS
        assert not isinstance(value, bool)  # no correct/true-false key values
        assert not (isinstance(value, str) and value in secrets)
    for entry in public.get("options", []) + public.get("items", []):
        assert set(entry) == {"id", "text"}
    assert set(public) <= {
        "id",
        "type",
        "prompt",
        "points",
        "options",
        "items",
        "scoring",
    }


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SINGLE, {"id", "type", "prompt", "points", "options"}),
        (MULTI_ALL, {"id", "type", "prompt", "points", "options", "scoring"}),
        (true_false(True), {"id", "type", "prompt", "points"}),
        (short_text(["x"]), {"id", "type", "prompt", "points"}),
        (ORDERING, {"id", "type", "prompt", "points", "items"}),
        (REFLECTION, {"id", "type", "prompt", "points"}),
    ],
    ids=lambda v: v["type"] if isinstance(v, dict) else "keys",
)
def test_public_question_keys(question, expected):
    public = public_question(question)
    assert set(public) == expected
    assert public["points"] == ("0" if question is REFLECTION else question["points"])


def test_public_ordering_never_simply_the_key_order():
    key = [item["id"] for item in ORDERING["items"]]
    orders = {
        tuple(i["id"] for i in public_question(ORDERING, seed=f"s{n}")["items"])
        for n in range(30)
    }
    orders.add(tuple(i["id"] for i in public_question(ORDERING)["items"]))
    assert all(sorted(order) == sorted(key) for order in orders)
    assert len(orders) > 5  # the order shown does not follow the key


def test_public_ordering_without_seed_is_shuffled_too():
    key = [item["id"] for item in ORDERING["items"]]
    shown = [item["id"] for item in public_question(ORDERING)["items"]]
    assert shown != key
    assert sorted(shown) == sorted(key)
    assert shown == [item["id"] for item in public_question(ORDERING)["items"]]


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q["type"])
def test_public_order_matches_shuffled_order(question):
    public = public_question(question, seed="attempt-7")
    full = shuffled(question, seed="attempt-7")
    for field in ("options", "items"):
        if field in question:
            assert [e["id"] for e in public[field]] == [e["id"] for e in full[field]]


@pytest.mark.parametrize(
    ("question", "field"),
    [(SINGLE, "options"), (multi_partial("1"), "options"), (ORDERING, "items")],
)
def test_shuffle_is_deterministic(question, field):
    before = copy.deepcopy(question)
    first = shuffled(question, seed="attempt-42")
    assert first == shuffled(copy.deepcopy(question), seed="attempt-42")
    assert question == before
    ids = [e["id"] for e in question[field]]
    assert sorted(e["id"] for e in first[field]) == sorted(ids)
    orders = {
        tuple(e["id"] for e in shuffled(question, seed=f"s{n}")[field])
        for n in range(30)
    }
    assert len(orders) > 1
    # Grading does not depend on the order shown.
    assert grade_question(question=first, answer="a") == grade_question(
        question=question, answer="a"
    )


def test_shuffle_is_stable_across_releases():
    # Pinned: stored attempts must keep showing the same order after upgrades.
    order = [
        o["id"] for o in shuffled(multi_partial("1"), seed="attempt-42")["options"]
    ]
    assert order == GOLDEN_OPTION_ORDER
    questions = shuffled_questions(FULL, seed="attempt-42")
    assert [q["id"] for q in questions] == GOLDEN_QUESTION_ORDER


# sha256("<seed>\x1f<question id>\x1f<option id>") ascending, computed by hand.
GOLDEN_OPTION_ORDER = ["e", "a", "b", "d", "c"]
GOLDEN_QUESTION_ORDER = [
    "q-short",
    "q-multi-partial",
    "q-order",
    "q-reflect",
    "q-single",
    "q-tf",
]


@pytest.mark.parametrize("question", [true_false(True), short_text(["x"]), REFLECTION])
def test_shuffle_leaves_other_types_alone(question):
    assert shuffled(question, seed="s") == question


@pytest.mark.parametrize("seed", ["a", "b", "attempt-1", ""])
def test_shuffled_questions(seed):
    before = copy.deepcopy(FULL)
    order = shuffled_questions(FULL, seed=seed)
    assert order == shuffled_questions(copy.deepcopy(FULL), seed=seed)
    assert sorted(q["id"] for q in order) == sorted(q["id"] for q in FULL)
    assert before == FULL


# --- which attempt counts ---------------------------------------------------

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def summary(number, percent, passed, *, minutes=None):
    at = T0 + timedelta(minutes=number * 10 if minutes is None else minutes)
    return AttemptSummary(f"att-{number}", number, at, D(percent), passed)


@pytest.mark.parametrize(
    ("attempts", "policy", "expected"),
    [
        ([], "best", None),
        ([], "latest", None),
        ([summary(1, "40", False)], "best", 1),
        ([summary(1, "40", False)], "latest", 1),
        (
            [summary(1, "60", False), summary(2, "80", True), summary(3, "70", True)],
            "best",
            2,
        ),
        (
            [summary(1, "60", False), summary(2, "80", True), summary(3, "70", True)],
            "latest",
            3,
        ),
        (
            [summary(3, "70", True), summary(2, "80", True), summary(1, "60", False)],
            "best",
            2,
        ),
        (
            [summary(3, "70", True), summary(1, "60", False), summary(2, "80", True)],
            "latest",
            3,
        ),
        # ties on percent: the earliest keeps counting
        ([summary(1, "80", True), summary(2, "80", True)], "best", 1),
        ([summary(2, "80", True), summary(1, "80", True)], "best", 1),
        ([summary(1, "50", False), summary(2, "50", False)], "best", 1),
        # ties on time: the higher number is the later attempt
        (
            [summary(1, "90", True, minutes=5), summary(2, "10", False, minutes=5)],
            "latest",
            2,
        ),
        (
            [summary(2, "10", False, minutes=5), summary(1, "90", True, minutes=5)],
            "latest",
            2,
        ),
        # latest may be worse than an earlier pass
        ([summary(1, "90", True), summary(2, "10", False)], "latest", 2),
        # a pass beats a higher failed percent (pass marks differ per snapshot)
        ([summary(1, "85", False), summary(2, "80", True)], "best", 2),
        ([summary(1, "79.99", True), summary(2, "80.00", True)], "best", 2),
    ],
)
def test_select_result(attempts, policy, expected):
    chosen = select_result(attempts=attempts, policy=policy)
    assert (chosen.number if chosen else None) == expected


def test_select_result_unknown_policy():
    with pytest.raises(ValueError, match="policy"):
        select_result(attempts=[summary(1, "50", True)], policy="first")


@pytest.mark.parametrize(
    ("allowed", "used", "expected"),
    [
        (None, 0, None),
        (None, 99, None),
        (3, 0, 3),
        (3, 2, 1),
        (3, 3, 0),
        (3, 5, 0),
        (1, 1, 0),
        (0, 0, 0),
    ],
)
def test_attempts_remaining(allowed, used, expected):
    assert attempts_remaining(allowed=allowed, used=used) == expected


@pytest.mark.parametrize(
    ("allowed", "used", "error"),
    [
        (-1, 0, ValueError),
        (3, -1, ValueError),
        (True, 0, TypeError),
        (3, 1.0, TypeError),
    ],
)
def test_attempts_remaining_invalid(allowed, used, error):
    with pytest.raises(error):
        attempts_remaining(allowed=allowed, used=used)


@pytest.mark.parametrize(
    ("policy", "finished", "remaining", "passed", "visible"),
    [
        ("immediately", True, 2, False, True),
        ("immediately", True, None, False, True),
        ("immediately", False, 2, False, False),
        ("immediately", False, 0, True, False),
        ("never", True, 0, True, False),
        ("never", True, 0, False, False),
        ("never", False, 0, False, False),
        ("after_last_attempt", True, 0, False, True),
        ("after_last_attempt", True, 0, True, True),
        ("after_last_attempt", True, 2, False, False),
        ("after_last_attempt", True, 2, True, True),
        ("after_last_attempt", True, None, False, False),
        ("after_last_attempt", True, None, True, True),
        ("after_last_attempt", False, 0, True, False),
        ("after_last_attempt", False, 0, False, False),
    ],
)
def test_feedback_visible(policy, finished, remaining, passed, visible):
    assert (
        feedback_visible(
            policy=policy,
            attempt_finished=finished,
            attempts_remaining=remaining,
            passed=passed,
        )
        is visible
    )


def test_feedback_visible_unknown_policy():
    with pytest.raises(ValueError, match="policy"):
        feedback_visible(
            policy="sometimes", attempt_finished=True, attempts_remaining=0, passed=True
        )


# --- time -------------------------------------------------------------------

STOCKHOLM = ZoneInfo("Europe/Stockholm")
US = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("limit", "grace", "now", "state"),
    [
        (600, 30, T0, "open"),
        (600, 30, T0 - timedelta(minutes=5), "open"),  # clock skew
        (600, 30, T0 + timedelta(seconds=599), "open"),
        (600, 30, T0 + timedelta(seconds=600), "open"),  # the deadline itself
        (600, 30, T0 + timedelta(seconds=600) + US, "grace"),
        (600, 30, T0 + timedelta(seconds=630), "grace"),
        (600, 30, T0 + timedelta(seconds=630) + US, "expired"),
        (600, 30, T0 + timedelta(days=3), "expired"),
        (600, 0, T0 + timedelta(seconds=600), "open"),
        (600, 0, T0 + timedelta(seconds=600) + US, "expired"),
        (None, 0, T0 + timedelta(days=365), "open"),
        (None, 30, T0, "open"),
        # same instant in another zone
        (600, 30, (T0 + timedelta(seconds=600)).astimezone(STOCKHOLM), "open"),
        (600, 30, (T0 + timedelta(seconds=631)).astimezone(STOCKHOLM), "expired"),
    ],
)
def test_deadline_state(limit, grace, now, state):
    assert (
        deadline_state(
            started_at=T0, time_limit_seconds=limit, now=now, grace_seconds=grace
        )
        == state
    )


@pytest.mark.parametrize(
    ("started_at", "limit", "now", "grace", "error"),
    [
        (T0.replace(tzinfo=None), 600, T0, 0, ValueError),
        (T0, 600, T0.replace(tzinfo=None), 0, ValueError),
        (T0, 0, T0, 0, ValueError),
        (T0, -5, T0, 0, ValueError),
        (T0, 600, T0, -1, ValueError),
        (T0, 600.0, T0, 0, TypeError),
        ("2025-03-01", 600, T0, 0, TypeError),
    ],
)
def test_deadline_state_invalid(started_at, limit, now, grace, error):
    with pytest.raises(error):
        deadline_state(
            started_at=started_at,
            time_limit_seconds=limit,
            now=now,
            grace_seconds=grace,
        )


@pytest.mark.parametrize(
    ("submitted_at", "due_at", "late"),
    [
        (T0, None, False),
        (T0 + timedelta(days=999), None, False),
        (T0, T0, False),
        (T0 - US, T0, False),
        (T0 + US, T0, True),
        (T0 + timedelta(days=1), T0, True),
        (T0.astimezone(STOCKHOLM), T0, False),
        ((T0 + US).astimezone(STOCKHOLM), T0, True),
    ],
)
def test_is_late(submitted_at, due_at, late):
    assert is_late(submitted_at=submitted_at, due_at=due_at) is late


@pytest.mark.parametrize(
    ("submitted_at", "due_at"),
    [(T0.replace(tzinfo=None), T0), (T0, T0.replace(tzinfo=None))],
)
def test_is_late_needs_aware_datetimes(submitted_at, due_at):
    with pytest.raises(ValueError, match="aware"):
        is_late(submitted_at=submitted_at, due_at=due_at)


# --- rubrics ----------------------------------------------------------------


def levels(prefix, *points):
    return [
        {"id": f"{prefix}{n}", "title": f"L{n}", "description": "", "points": p}
        for n, p in enumerate(points, start=1)
    ]


LEVELS_RUBRIC = {
    "kind": "levels",
    "criteria": [
        {
            "id": "c1",
            "title": "Listening",
            "description": "",
            "levels": levels("l", "0", "1", "2"),
        },
        {
            "id": "c2",
            "title": "Goals",
            "description": "",
            "levels": levels("m", "0", "1.5", "3"),
        },
    ],
}
PASS_FAIL_RUBRIC = {
    "kind": "pass_fail",
    "criteria": [
        {"id": f"p{n}", "title": f"Criterion {n}", "description": ""} for n in (1, 2, 3)
    ],
}


@pytest.mark.parametrize(
    ("scores", "threshold", "total", "max_total", "percent", "passed"),
    [
        ({"c1": "l3", "c2": "m3"}, "60", "5.00", "5.00", "100.00", True),
        ({"c1": "l2", "c2": "m2"}, "60", "2.50", "5.00", "50.00", False),
        ({"c1": "l2", "c2": "m2"}, "50", "2.50", "5.00", "50.00", True),  # exactly
        ({"c1": "l2", "c2": "m2"}, "50.01", "2.50", "5.00", "50.00", False),
        ({"c1": "l1", "c2": "m1"}, "0", "0.00", "5.00", "0.00", True),
        ({"c1": "l1", "c2": "m1"}, "1", "0.00", "5.00", "0.00", False),
        ({"c1": "l3", "c2": "m2"}, "70", "3.50", "5.00", "70.00", True),
        # unknown criterion ids are ignored
        ({"c1": "l3", "c2": "m3", "c9": "zzz"}, "100", "5.00", "5.00", "100.00", True),
    ],
)
def test_rubric_levels(scores, threshold, total, max_total, percent, passed):
    result = grade_rubric(
        rubric=LEVELS_RUBRIC, scores=scores, pass_threshold_percent=D(threshold)
    )
    assert (str(result.total), str(result.max_total)) == (total, max_total)
    assert str(result.percent) == percent
    assert result.passed is passed
    assert [c.criterion_id for c in result.criteria] == ["c1", "c2"]
    assert [c.level_id for c in result.criteria] == [scores["c1"], scores["c2"]]


@pytest.mark.parametrize(
    ("scores", "total", "percent", "passed"),
    [
        ({"p1": True, "p2": True, "p3": True}, "3.00", "100.00", True),
        ({"p1": True, "p2": False, "p3": True}, "2.00", "66.67", False),
        ({"p1": False, "p2": False, "p3": False}, "0.00", "0.00", False),
    ],
)
def test_rubric_pass_fail(scores, total, percent, passed):
    # The threshold is ignored: every criterion must pass.
    result = grade_rubric(
        rubric=PASS_FAIL_RUBRIC, scores=scores, pass_threshold_percent=D(0)
    )
    assert (str(result.total), str(result.max_total)) == (total, "3.00")
    assert str(result.percent) == percent
    assert result.passed is passed
    assert [c.passed for c in result.criteria] == list(scores.values())


@pytest.mark.parametrize(
    ("rubric", "scores", "missing"),
    [
        (LEVELS_RUBRIC, {}, ("c1", "c2")),
        (LEVELS_RUBRIC, {"c1": "l1"}, ("c2",)),
        (LEVELS_RUBRIC, {"c1": None, "c2": "m1"}, ("c1",)),
        (LEVELS_RUBRIC, {"c9": "l1"}, ("c1", "c2")),
        (PASS_FAIL_RUBRIC, {}, ("p1", "p2", "p3")),
        (PASS_FAIL_RUBRIC, {"p1": True, "p3": False}, ("p2",)),
        (PASS_FAIL_RUBRIC, {"p1": True, "p2": None, "p3": True}, ("p2",)),
    ],
)
def test_rubric_incomplete(rubric, scores, missing):
    with pytest.raises(IncompleteRubric) as info:
        grade_rubric(rubric=rubric, scores=scores, pass_threshold_percent=D(50))
    assert info.value.missing == missing


@pytest.mark.parametrize(
    ("rubric", "scores", "criterion"),
    [
        (LEVELS_RUBRIC, {"c1": "nope", "c2": "m1"}, "c1"),
        (LEVELS_RUBRIC, {"c1": "m1", "c2": "m1"}, "c1"),  # another criterion's level
        (LEVELS_RUBRIC, {"c1": "l1", "c2": "l1"}, "c2"),
        (LEVELS_RUBRIC, {"c1": True, "c2": "m1"}, "c1"),
        (LEVELS_RUBRIC, {"c1": 1, "c2": "m1"}, "c1"),
        (LEVELS_RUBRIC, {"c1": ["l1"], "c2": "m1"}, "c1"),
        (LEVELS_RUBRIC, {"c2": "nope"}, "c2"),  # invalid wins over incomplete
        (PASS_FAIL_RUBRIC, {"p1": "yes", "p2": True, "p3": True}, "p1"),
        (PASS_FAIL_RUBRIC, {"p1": True, "p2": 1, "p3": True}, "p2"),
        (PASS_FAIL_RUBRIC, {"p1": True, "p2": True, "p3": "l1"}, "p3"),
    ],
)
def test_rubric_invalid_score(rubric, scores, criterion):
    with pytest.raises(InvalidScore) as info:
        grade_rubric(rubric=rubric, scores=scores, pass_threshold_percent=D(50))
    assert info.value.criterion_id == criterion


@pytest.mark.parametrize(
    "rubric",
    [
        {"kind": "stars", "criteria": LEVELS_RUBRIC["criteria"]},
        {"kind": "levels", "criteria": []},
        {"kind": "pass_fail", "criteria": []},
        {"kind": "levels"},
        {"kind": "levels", "criteria": [{"id": "c1", "title": "", "description": ""}]},
        {"kind": "levels", "criteria": [LEVELS_RUBRIC["criteria"][0]] * 2},
        {
            "kind": "levels",
            "criteria": [
                {
                    "id": "c1",
                    "title": "",
                    "description": "",
                    "levels": levels("l", "1", "-1"),
                }
            ],
        },
        {
            "kind": "levels",
            "criteria": [
                {
                    "id": "c1",
                    "title": "",
                    "description": "",
                    "levels": levels("l", "1", 2.0),
                }
            ],
        },
    ],
)
def test_rubric_malformed(rubric):
    with pytest.raises(InvalidRubric):
        grade_rubric(rubric=rubric, scores={"c1": "l1"}, pass_threshold_percent=D(50))


def test_levels_rubric_needs_threshold():
    with pytest.raises(ValueError, match="pass_threshold_percent"):
        grade_rubric(rubric=LEVELS_RUBRIC, scores={"c1": "l1", "c2": "m1"})
