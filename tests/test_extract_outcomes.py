"""Outcomes and results of trial articles: what the gold format cannot say of the cases, evidence, corpus headlines."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from il2kg.extract import extract
from il2kg.extract.furniture import normalise_chars
from il2kg.extract.numbers import find_p_values, to_decimal
from il2kg.extract.outcomes import extract_outcomes
from il2kg.extract.text import read_page
from il2kg.model import Arm, Evidence, Fact, Intervention, Lexicon, Outcome, Quantity, Result, Trial

ARTICLES = Path(__file__).parent / "cases" / "article"
# The outcome cases are documents under tests/cases/article/outcome-*/, checked by tests/test_cases.py. Here what
# the gold format cannot say: a result's comparator arm, its p-value as written, a CI's level, and the rule that
# set an outcome's verdict ('met_method'), keyed by measure (and role) and by arm (and statistic).
BEYOND_GOLD = {
    "outcome-comparison-keyed-to-the-active-arm": [
        {
            "measure": "il2kg:das28",
            "role": "primary",
            "result": {"arm": "IL-2", "comparator": "placebo", "p_text": "P = .03"},
        },
    ],
    "outcome-odds-ratio-ci-written-to": [
        {
            "measure": "il2kg:clinicalResponse",
            "result": {"arm": "IL-2", "statistic": "odds-ratio", "comparator": "placebo", "ci_level": "95"},
        },
    ],
    "outcome-two-doses-mean-sd-respectively": [
        {
            "measure": "il2kg:tregPercentage",
            "result": {"arm": "3 MIU", "statistic": "mean-change", "p_text": "p<0\u00b701", "comparator": "placebo"},
        },
        {
            "measure": "il2kg:tregPercentage",
            "result": {"arm": "1 MIU", "statistic": "mean-change", "p_text": "p=0\u00b704"},
        },
    ],
    "outcome-per-protocol-fractions-before-percentages": [
        {"measure": "il2kg:pasi", "result": {"arm": "IL-2", "statistic": "proportion", "comparator": "placebo"}},
        {"measure": "il2kg:pasi", "result": {"arm": "placebo", "statistic": "proportion", "comparator": None}},
    ],
    "outcome-ns-as-p-value": [
        {"measure": "il2kg:crp", "role": None, "result": {"arm": None, "p_text": "NS"}},
    ],
    "outcome-p-value-of-trial-level": [
        {"measure": "il2kg:crp", "result": {"p_text": "p value of 0.01"}},
    ],
    "outcome-effect-size-after-dose-arm": [
        {"measure": "il2kg:tregPercentage", "result": {"arm": "4.5 MIU", "statistic": "effect-size", "ci_level": "95"}},
    ],
    "outcome-subgroup-by-second-disease": [
        {
            "measure": "il2kg:completeRemission",
            "result": {"arm": "IL-2", "statistic": "response-rate", "comparator": "placebo"},
        },
    ],
    "outcome-post-hoc-itt-population": [
        {"measure": "il2kg:sri4", "result": {"arm": "IL-2", "statistic": "response-rate", "comparator": "placebo"}},
    ],
    "outcome-significant-primary-sets-met": [
        {"measure": "il2kg:cPeptide", "role": "primary", "met_method": "outcomes.met_from_significance"},
    ],
    "outcome-explanation-clause-not-arm-result": [
        {"measure": "il2kg:sri4", "role": "primary", "result": {"arm": "IL-2", "comparator": "placebo"}},
    ],
    "outcome-pipe-table-per-arm-mean-sd": [
        {
            "measure": "il2kg:hba1c",
            "role": "primary",
            "result": {"arm": "IL-2", "statistic": "mean", "comparator": "placebo"},
        },
        {
            "measure": "il2kg:hba1c",
            "role": "primary",
            "result": {"arm": "placebo", "statistic": "mean", "comparator": None},
        },
    ],
    "outcome-within-arm-change-no-comparator": [
        {"measure": "il2kg:nkCells", "role": "secondary", "result": {"arm": "IL-2", "comparator": None}},
    ],
    "outcome-secondary-not-different-not-met": [
        {"measure": "il2kg:crp", "role": "secondary", "met_method": "outcomes.met_from_significance"},
    ],
}
_NO_EVIDENCE = Evidence(0, 0, "", "test")
_DECIMALS = {"sd", "ci_low", "ci_high", "ci_level", "p_value"}


def make_arms(rows: list[list[str]]) -> tuple[Arm, ...]:
    """Arms as the intervention extractor labels them: [label, agent CURIE, dose value, dose unit]."""
    arms = []
    for label, agent, *dose in rows:
        quantity = Fact(Quantity(Decimal(dose[0]), dose[1]), _NO_EVIDENCE) if dose else None
        arms.append(Arm(label, intervention=Intervention(Fact(agent, _NO_EVIDENCE), quantity)))
    return tuple(arms)


def _value(fact: Fact | None):
    return None if fact is None else fact.value


def _check_result(result: Result, expected: dict) -> None:
    for key, want in expected.items():
        if key in ("arm", "comparator"):
            assert getattr(result, key) == want, key
        elif key == "value":
            assert (result.value and result.value.value.value) == (want and Decimal(want)), key
        elif key == "unit":
            assert result.value.value.unit == want, key
        elif key in _DECIMALS:
            assert _value(getattr(result, key)) == (None if want is None else Decimal(want)), key
        else:
            assert _value(getattr(result, key)) == want, key


def _find(outcomes: tuple[Outcome, ...], expected: dict) -> Outcome:
    for outcome in outcomes:
        role_ok = "role" not in expected or _value(outcome.role) == expected["role"]
        if outcome.measure.value == expected["measure"] and role_ok:
            return outcome
    raise AssertionError(f"no outcome {expected['measure']} in {[o.measure.value for o in outcomes]}")


def _match_result(outcome: Outcome, expected: dict) -> Result:
    for result in outcome.results:
        if result.arm == expected.get("arm", result.arm) and (
            "statistic" not in expected or _value(result.statistic) == expected["statistic"]
        ):
            return result
    raise AssertionError(f"no result for arm {expected.get('arm')} in {outcome.measure.value}")


def _outcomes(text: str, lexicon: Lexicon) -> tuple[Outcome, ...]:
    trials = [r for r in extract(text, lexicon=lexicon)[1] if isinstance(r, Trial)]
    return trials[0].outcomes if trials else ()


@pytest.mark.parametrize("name", sorted(BEYOND_GOLD))
def test_what_the_gold_format_cannot_say(name: str, lexicon: Lexicon) -> None:
    outcomes = _outcomes((ARTICLES / name / "input.txt").read_text(encoding="utf-8"), lexicon)
    for expected in BEYOND_GOLD[name]:
        outcome = _find(outcomes, expected)
        if "met_method" in expected:
            assert outcome.met.evidence.method == expected["met_method"]
        if "result" in expected:
            _check_result(_match_result(outcome, expected["result"]), expected["result"])


@pytest.mark.parametrize("case", sorted(ARTICLES.glob("*/input.txt")), ids=lambda p: p.parent.name)
def test_outcome_evidence_spans_hold_their_numbers(case: Path, lexicon: Lexicon) -> None:
    raw = case.read_text(encoding="utf-8")
    _check_evidence(raw, _outcomes(raw, lexicon))


def _facts(outcome: Outcome):
    yield from (f for f in (outcome.measure, outcome.role, outcome.timepoint, outcome.description, outcome.met) if f)
    for result in outcome.results:
        yield from (getattr(result, k) for k in Result.__slots__ if isinstance(getattr(result, k), Fact))


def _check_evidence(raw: str, outcomes: tuple[Outcome, ...]) -> None:
    """Every fact's span lies in the document; a number's span covers the number as written ('·' as '.')."""
    for outcome in outcomes:
        for fact in _facts(outcome):
            start, end = fact.evidence.start, fact.evidence.end
            assert 0 <= start < end <= len(raw), fact
            text = raw[start:end].replace("\u00b7", ".")
            value = fact.value.value if isinstance(fact.value, Quantity) else fact.value
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                written = {abs(to_decimal(n)) for n in re.findall(r"\d*[.,]?\d+", text)}
                powers = find_p_values("p = " + normalise_chars(text.strip()))  # "4.1 × 10−3"
                written |= {p.value for p in powers if p.value is not None}
                assert abs(value) in written, (value, text)
            scattered = raw.lstrip().startswith("{")  # an OpenAlex abstract's words are keys, not in reading order
            if isinstance(value, str) and fact.evidence.method.endswith("p_value") and value[0] not in "<=>" \
                    and not scattered:
                assert value == " ".join(raw[start:end].split())


def test_results_come_in_text_order(lexicon: Lexicon) -> None:
    text = "Results: CRP fell (p=0.01). NK cells rose (p=0.02). Tregs rose (p=0.03)."
    outcomes = extract_outcomes(read_page(text), lexicon, ())
    assert [o.measure.value for o in outcomes] == ["il2kg:crp", "il2kg:nkCells", "il2kg:tregs"]
    assert extract_outcomes(read_page(text), lexicon, ()) == outcomes


# --- corpus headlines ------------------------------------------------------------------

_CORPUS_ARMS = {
    "000": [["2 MIU", "il2kg:aldesleukin", "2", "MIU"], ["1 MIU", "il2kg:aldesleukin", "1", "MIU"],
            ["placebo", "il2kg:placebo"]],
    "001": [["IL-2", "il2kg:interleukin2"]],
    "002": [["ILT-101", "il2kg:ilt101"], ["placebo", "il2kg:placebo"]],
    "003": [["IL-2", "il2kg:interleukin2"], ["placebo", "il2kg:placebo"]],
}


def _corpus_outcomes(corpus_dir: Path, prefix: str, lexicon: Lexicon) -> tuple[str, tuple[Outcome, ...]]:
    (path,) = corpus_dir.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    outcomes = extract_outcomes(read_page(raw), lexicon, make_arms(_CORPUS_ARMS[prefix]))
    _check_evidence(raw, outcomes)
    return raw, outcomes


def _result(outcome: Outcome, arm: str | None, statistic: str | None = None) -> Result:
    return _match_result(outcome, {"arm": arm} | ({"statistic": statistic} if statistic else {}))


@pytest.mark.corpus
def test_corpus_000_dose_arms(corpus_dir: Path, lexicon: Lexicon) -> None:
    raw, outcomes = _corpus_outcomes(corpus_dir, "000", lexicon)
    primary = _find(outcomes, {"measure": "il2kg:tregPercentage", "role": "primary"})
    assert primary.timepoint.value == "after cycle 1" and primary.met.value is True
    high = _result(primary, "2 MIU", "mean-change")
    _check_result(high, {"value": "6.2", "unit": "%", "sd": "2.2", "p_value": "0.0001", "p_comparator": "<",
                         "comparator": "placebo", "direction": "increase", "significant": True})
    assert raw[high.p_value.evidence.start : high.p_value.evidence.end] == "0\u00b70001"
    _check_result(_result(primary, "placebo"), {"value": "-0.49", "sd": "1.3", "p_value": None, "comparator": None})
    _check_result(_result(primary, "1 MIU", "effect-size"),
                  {"value": "3.5", "unit": "", "ci_low": "2.1", "ci_high": "4.6", "ci_level": "95"})
    repeated = _find(outcomes, {"measure": "il2kg:tregPercentage", "role": "secondary"})
    assert repeated.timepoint.value == "after repeated cycles" and repeated.results[0].significant.value is True
    ccl2 = _find(outcomes, {"measure": "il2kg:ccl2", "role": "secondary"})
    _check_result(ccl2.results[0], {"direction": "decrease", "significant": True, "p_value": "0.0049"})
    nfl = _find(outcomes, {"measure": "il2kg:nfl", "role": "secondary"})
    _check_result(nfl.results[0], {"direction": "no-change", "significant": False})
    safety = {o.measure.value for o in outcomes if _value(o.role) == "safety"}
    assert safety == {"il2kg:alsfrsR", "il2kg:slowVitalCapacity"}


@pytest.mark.corpus
def test_corpus_001_single_arm_statements(corpus_dir: Path, lexicon: Lexicon) -> None:
    _, outcomes = _corpus_outcomes(corpus_dir, "001", lexicon)
    assert _find(outcomes, {"measure": "il2kg:tregs"}).results[0].direction.value == "increase"
    assert _find(outcomes, {"measure": "il2kg:effectorTCells"}).results[0].direction.value == "no-change"


@pytest.mark.corpus
def test_corpus_002_itt_and_post_hoc(corpus_dir: Path, lexicon: Lexicon) -> None:
    _, outcomes = _corpus_outcomes(corpus_dir, "002", lexicon)
    primary = _find(outcomes, {"measure": "il2kg:sri4", "role": "primary"})
    assert primary.met.value is False and primary.timepoint.value == "week 12"
    itt = [r for r in primary.results if _value(r.population) == "intention-to-treat"]
    assert [(r.arm, r.value.value.value) for r in itt] == [("ILT-101", Decimal("68")), ("placebo", Decimal("58"))]
    _check_result(itt[0], {"p_value": "0.3439", "significant": False, "comparator": "placebo",
                           "statistic": "response-rate"})
    pp = [r for r in primary.results if _value(r.population) == "per-protocol"]
    _check_result(pp[0], {"arm": "ILT-101", "value": "83.3", "p_value": "0.0168", "significant": True, "n": 53,
                          "post_hoc": True, "prespecified": True})
    assert len(primary.results) == 4  # the explanatory "100% ... at two sites" is no arm result
    assert _find(outcomes, {"measure": "il2kg:selenaSledai", "role": "key-secondary"}).timepoint.value == "week 12"


@pytest.mark.corpus
def test_corpus_003_response_rates(corpus_dir: Path, lexicon: Lexicon) -> None:
    _, outcomes = _corpus_outcomes(corpus_dir, "003", lexicon)
    primary = _find(outcomes, {"measure": "il2kg:sri4", "role": "primary"})
    assert primary.met.value is False
    _check_result(_result(primary, "IL-2"), {"value": "55.17", "p_value": "0.052", "significant": False,
                                             "timepoint": "week 12"})
    week24 = next(o for o in outcomes if o.measure.value == "il2kg:sri4" and _value(o.timepoint) == "week 24")
    _check_result(_result(week24, "IL-2"), {"value": "65.52", "p_value": "0.027", "significant": True,
                                            "comparator": "placebo"})
    _check_result(_result(week24, "placebo"), {"value": "36.67"})
    remission = _find(outcomes, {"measure": "il2kg:completeRemission"})
    _check_result(_result(remission, "IL-2"), {"value": "53.85", "numerator": 7, "denominator": 13,
                                               "subgroup": "MONDO:0005556", "population": "subgroup-population"})
    _check_result(_result(remission, "placebo"), {"value": "16.67", "numerator": 2, "denominator": 12})
    assert _find(outcomes, {"measure": "il2kg:nkCells"}).results[0].direction.value == "increase"


@pytest.mark.parametrize(("clause", "expected"), [
    ("Tregs showed a 4.1-fold increase at day 5", ["4.1"]),
    ("Tregs increased by 2.3-fold at day 5", ["2.3"]),
    ("a 12-17-fold increase in CD25bright Tregs", []),  # a range is no one value
    ("Tregs rose 2 to 3-fold", []),
])
def test_fold_changes_are_ratios_to_baseline(clause: str, expected: list[str]) -> None:
    from il2kg.extract.result_values import find_slots

    slots = [s for s in find_slots(clause, 0, clause) if s.statistic == "fold-change"]
    assert [str(s.value.value) for s in slots] == expected
