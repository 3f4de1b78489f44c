"""Cue families of claim support, each on real sentences of the shared corpus's records
(PMIDs in the comments), and the scorer's statuses on whole records."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from refkeeper.audit.cues import (
    compare,
    magnitude_conflicts,
    majority_conflicts,
    number_matches,
    numbers,
    population_conflicts,
    read,
)
from refkeeper.audit.support import SupportScorer, SupportStatus, canonical, role_weight
from refkeeper.audit.text import clean_claim
from refkeeper.models import Work
from refkeeper.resolve.pubmed import parse_pubmed_xml


def reading(text: str):  # type: ignore[no-untyped-def]
    return read(text, canonical)


def test_direction_polarity_reversed_and_kept() -> None:
    source = reading("Employment was associated with lower odds of polypharmacy.")  # 31840027
    conflicts, agree = compare(
        reading("Having a job went with a higher chance of polypharmacy."), source
    )
    assert [(c.family, c.claim, c.source) for c in conflicts] == [("direction", "higher", "lower")]
    conflicts, agree = compare(
        reading("Having a job went with a lower chance of polypharmacy."), source
    )
    assert not conflicts and agree >= 1


def test_good_and_bad_quantities_join_direction_and_value() -> None:
    # 31839747: "reduces steatosis, inflammation and apoptosis" against "worsened"
    source = reading(
        "Our data show that PPAR δ inhibition reduces steatosis, inflammation and apoptosis "
        "in LPS-related NAFLD damage, in vitro."
    )
    worse = reading("Blocking PPAR delta worsened inflammation and apoptosis in liver cells.")
    better = reading("Blocking PPAR delta lessened inflammation and apoptosis in liver cells.")
    assert compare(worse, source)[0]
    assert not compare(better, source)[0] and compare(better, source)[1]


def test_verb_acting_on_a_nominal_cue_composes() -> None:
    # 15781963: "antagonizes the inhibition" goes up; "enhances the suppression" goes down
    source = reading(
        "We report here that OFQ also antagonizes the inhibition of calcium channels mediated "
        "by mu-opioid receptor."
    )
    claim = reading("Nociceptin enhances the suppression of calcium channel currents.")
    [conflict] = compare(claim, source)[0]
    assert conflict.claim == "enhances suppression"
    assert conflict.source == "antagonizes inhibition"


def test_negation_and_null_results() -> None:
    # 31840115: a correlation "was not detected"
    source = reading(
        "In our group of mantle cell lymphoma samples a correlation between patient survival "
        "and IFI16 expression was not detected even though mantle cell lymphoma prognosis is "
        "known to be associated with cell proliferation."
    )
    claim = reading("IFI16 expression in mantle cell lymphoma strongly predicted survival.")
    conflicts, _ = compare(claim, source)
    assert conflicts and conflicts[0].family == "negation"
    # 31809472: "no appreciable increase" agrees with "did not raise"
    no_rise = reading(
        "The current study has observed no appreciable increase in peri-operative morbidities "
        "including bleeding related complication rates in patients undergoing lumbar MISS."
    )
    assert not compare(reading("It did not raise bleeding complication rates."), no_rise)[0]
    assert compare(reading("It markedly raised bleeding complication rates."), no_rise)[0]


def test_hypothetical_cues_are_not_findings() -> None:
    # 31840013: "evaluated whether it would predict"
    aim = reading(
        "We developed a novel risk score to identify patients at risk for poor adherence "
        "behaviors and evaluated whether it would predict future health care utilization."
    )
    assert not compare(reading("The score did not predict health care utilization."), aim)[0]


def test_comparison_reversed() -> None:
    source = reading(  # 31839387
        "Vacuum assisted dressing is more effective than traditional wound dressing in wound "
        "healing of open fractures."
    )
    same = reading("Vacuum dressings healed open fracture wounds better than conventional ones.")
    swapped = reading(
        "Conventional dressings healed open fracture wounds more effectively than vacuum dressings."
    )
    assert not compare(same, source)[0]
    [conflict] = [c for c in compare(swapped, source)[0] if c.family == "comparison"]
    assert conflict.source.endswith("(the other way round)")


def test_numbers_in_words_and_digits() -> None:
    found = {n.text: n for n in numbers("about four in ten, 1.56 μg/mL, sixty-year-old, twice")}
    four = found["four in ten"]
    assert (four.value, four.unit, four.bound) == (40.0, "%", "approx")
    assert found["1.56"].unit == "mug" and found["sixty-year"].value == 60.0
    assert found["twice"].value == 2.0
    assert number_matches(40.0, [41.0]) and not number_matches(90.0, [41.0, 28.0, 31.0])
    assert number_matches(6.0, [5.4], "max") and number_matches(80.0, [86.5], "min")
    assert [n.value for n in numbers("HPV16 E6/E7, IL-6, HIF-1 alpha and 3D cultures")] == []


def test_magnitude_absent_from_the_record() -> None:
    record = reading(  # 31839437
        "Overall, only 41% patients had 5/5, 28% 3-4, 31% ≤2. Less than half of the youths "
        "with STS are initially managed according to international guidelines."
    )
    conflicts, absent = magnitude_conflicts(
        reading("About nine in ten young patients had care meeting all five criteria."), record
    )
    assert absent == ["nine in ten"] and conflicts[0].family == "magnitude"
    assert magnitude_conflicts(
        reading("Only about four in ten young patients had care meeting all five criteria."),
        record,
    ) == ([], [])


def test_population() -> None:
    record = reading(  # 39780848
        "We report a case of a 10-year-old male from Lima, Peru, who presented with HLH as the "
        "initial manifestation of a TBD."
    )
    found = population_conflicts(reading("In a sixty-year-old Peruvian woman, HLH"), record)
    assert {(c.family, c.claim, c.source) for c in found} == {
        ("population", "adult", "young"),
        ("population", "female", "male"),
    }
    assert not population_conflicts(reading("In a ten-year-old Peruvian boy, HLH"), record)
    rats = reading("OMT promotes the recovery of motor function after SCI in rats.")  # 31840202
    assert population_conflicts(reading("It restored motor function in mice."), rats)


def test_hedges_are_read() -> None:
    hedged = reading("PPAR δ may be a potential therapeutic implication for NAFLD.")  # 31839747
    assert "may" in hedged.hedges


def test_claim_cleaned_of_markers_and_markup() -> None:
    assert clean_claim("EBV is a *feature* of it [@pmid:8620427; @doi:10.1/x].") == (
        "EBV is a feature of it."
    )
    assert clean_claim(r"As shown \citep[p.~3]{timmons1995}, it works [1-3].") == (
        "As shown, it works."
    )
    assert clean_claim("It recurs<sup>4</sup> (5).") == "It recurs."


def test_role_weight_prefers_results() -> None:
    assert role_weight("RESULTS", "Mortality was higher.", 5, 9, True) == 1.0
    assert role_weight("METHODS", "Patients were recruited.", 2, 9, True) == 0.6
    assert role_weight(None, "The aim of this study was to assess X.", 1, 6, False) == 0.7
    assert role_weight(None, "We found that X was associated with Y.", 3, 6, False) == 1.0


@pytest.fixture
def records(shared_dir: Path) -> dict[str, Work]:
    path = shared_dir / "corpus/pubmed/pubmed-real-records.xml.gz"
    if not path.exists():
        pytest.skip("the shared corpus is not here")
    wanted = {"31839387", "31840027", "31840033", "31839875"}
    return {
        w.pmid: w for w in parse_pubmed_xml(gzip.decompress(path.read_bytes())) if w.pmid in wanted
    }


def test_scorer_statuses_on_real_records(records: dict[str, Work]) -> None:
    scorer = SupportScorer()
    vac = records["31839387"]
    kept = scorer.score(
        "Negative pressure (vacuum) dressings healed open fracture wounds more effectively "
        "than conventional dressings [@pmid:31839387].",
        vac,
    )
    assert kept.status == SupportStatus.SUPPORTED and kept.evidence_section in (
        "RESULT",
        "CONCLUSION",
    )
    flipped = scorer.score(
        "Conventional dressings healed open fracture wounds more effectively than negative "
        "pressure (vacuum) dressings.",
        vac,
    )
    assert flipped.status == SupportStatus.CONTRADICTED and flipped.conflict
    assert (flipped.score or 0) < (kept.score or 0)
    acl = records["31840033"]
    worse = scorer.score(
        "Children whose reconstructed ACL ruptured again had better Tegner and Lysholm scores "
        "when they went back to sport.",
        acl,
    )
    assert worse.status == SupportStatus.CONTRADICTED
    assert "claim: better; source: lower" in (worse.conflict or "")
    bleed = records["31839875"]
    elsewhere = scorer.score("Having a job went with a lower chance of polypharmacy.", bleed)
    assert elsewhere.status == SupportStatus.RELATED


def test_negated_neutral_effect_verb_is_a_null_result() -> None:
    # 31840446: "did not affect" states no effect, agreeing with "unchanged" and
    # disagreeing with "raised"
    source = reading(
        "The results showed that fire significantly reduced soil total nitrogen content, "
        "but did not affect soil total phosphorus content."
    )
    same = reading("Burning left total soil phosphorus unchanged.")
    conflicts, agree = compare(same, source)
    assert not conflicts and agree >= 1
    conflicts, _ = compare(reading("Burning raised total soil phosphorus."), source)
    assert [c.family for c in conflicts] == ["negation"]
    # an undirected verb without a negation is no cue at all
    assert not reading("Fire intensity affected leaf traits.").anchors


def test_failed_to_negates_the_effect_cue() -> None:
    # 31839483
    source = reading("Naive CD8+ T cells failed to respond to empty AAV vectors.")
    assert any(c.word == "failed respond" for cues in source.anchors.values() for c in cues)


def test_active_verb_bears_on_its_object_not_its_agent() -> None:
    # 31840416: in "M1 aggravated cardiomyopathy" the agent's words are not what worsens
    claim = reading("The mitochondrial fusion promoter M1 aggravated cardiomyopathy in rats.")
    assert "cardiomyopathi" in claim.anchors and "fusion" not in claim.anchors
    # a passive or adjectival cue keeps the words before it
    assert "phosphorus" in reading("Total soil phosphorus was unchanged.").anchors


def test_better_or_worse_decides_over_more_or_less() -> None:
    # 31840416: "protects against" (better) outweighs "promoting" (more) on the same word
    source = reading(
        "M1 protects against diabetic cardiomyopathy, suggesting that promoting mitochondrial "
        "fusion might be a therapeutic strategy for diabetic cardiomyopathy."
    )
    conflicts, _ = compare(reading("M1 aggravated diabetic cardiomyopathy."), source)
    assert [c.family for c in conflicts] == ["direction"]
    conflicts, agree = compare(reading("M1 alleviated diabetic cardiomyopathy."), source)
    assert not conflicts and agree >= 1


def test_comparison_between_groups_the_other_way_round() -> None:
    # 33254683: "higher in German samples than in Chinese samples"
    source = reading(
        "Upon oxidative conversion, the increase of the short-chain compound PFBA was higher "
        "in German samples than in Chinese samples."
    )
    swapped = reading("PFBA rose much more in Chinese river samples than in German ones.")
    [comparison] = swapped.comparisons
    assert comparison.polarity == 1 and "german" in comparison.right
    kinds = [c.source for c in compare(swapped, source)[0] if c.family == "comparison"]
    assert kinds == ["higher than (the other way round)"]
    same = reading("PFBA rose much more in German river samples than in Chinese ones.")
    assert not [c for c in compare(same, source)[0] if c.family == "comparison"]


def test_the_same_intervention_on_both_sides_agrees_on_nothing() -> None:
    # 31839747: both name "PPAR delta inhibition"; only the effect on steatosis/inflammation
    # tells agreement from contradiction
    source = reading(
        "Our data show that PPAR delta inhibition reduces steatosis, inflammation and "
        "apoptosis in LPS-related NAFLD damage."
    )
    assert "ppar" in source.interventions and "inflamm" not in source.interventions
    worse = reading("Blocking PPAR delta worsened inflammation and apoptosis.")
    conflicts, agree = compare(worse, source)
    assert conflicts and agree == 0
    better = reading("Blocking PPAR delta lessened inflammation and apoptosis.")
    conflicts, agree = compare(better, source)
    assert not conflicts and agree >= 1


def test_majority_claimed_against_shares_all_under_half() -> None:
    # 31839807
    source = reading(
        "In this cohort, esophagectomy allowed the resection of residual advanced cancer or "
        "lymph node metastases in 13% of cases, at the cost of 43% severe morbidity and 7% "
        "mortality."
    )
    claim = "Surgery found residual advanced disease or nodal spread in most patients."
    [conflict] = majority_conflicts(claim, source)
    assert conflict.family == "magnitude" and conflict.claim == "most patients"
    assert not majority_conflicts("Surgery found residual disease in 13% of cases.", source)
    # a share of half or more states a majority
    assert not majority_conflicts(claim, reading("Overall, 63% of the esophagi were T0N0."))


def test_passive_agent_after_by_is_not_what_the_cue_changes() -> None:
    # 15781963: the receptor mediates the inhibition; the channels are what is inhibited
    source = reading(
        "We report here that OFQ also antagonizes the inhibition of calcium channels mediated "
        "by mu-opioid receptor."
    )
    assert "calcium" in source.anchors and "opioid" not in source.anchors
    claim = reading(
        "Nociceptin enhances the suppression of calcium channel currents produced by mu-opioid "
        "receptor activation."
    )
    conflicts, agree = compare(claim, source)
    assert [c.family for c in conflicts] == ["direction"] and agree == 0


def test_less_before_an_effect_adjective_reverses_it() -> None:
    # 41413049: "less accurate ... than standard detrending" reverses "outperforms ...
    # detrending with respect to accuracy"
    claim = reading(
        "Correcting eye-tracker drift with head motion estimates gave less accurate gaze "
        "estimates than standard detrending."
    )
    [comparison] = claim.comparisons
    assert comparison.word == "less accurate than" and comparison.polarity == -1
    assert reading("The new method was more accurate than standard detrending.").comparisons[
        0
    ].polarity == 1


def test_comparative_after_a_preposition_names_a_condition() -> None:
    # 31840052: "increases at smaller spatial scales": the scales are where, not what, changes
    source = reading(
        "We show that sharing of genomic regions of high differentiation between environments "
        "is generally low but increases at smaller spatial scales."
    )
    assert all(c.word != "smaller" for cues in source.anchors.values() for c in cues)
    conflicts, agree = compare(reading("Sharing rises at finer spatial scales."), source)
    assert not conflicts and agree >= 1
    # "at higher risk" is an effect
    risk = reading("Smokers were at higher risk of stroke.")
    assert any(c.word == "higher" for cues in risk.anchors.values() for c in cues)


def test_what_we_investigated_is_not_a_finding() -> None:
    # 31840052
    sentence = (
        "We investigated the genomics of rapid parallel adaptation in the marine snail "
        "Littorina saxatilis in response to two independent environmental axes."
    )
    assert role_weight(None, sentence, 3, 8, False) < 0.85


def test_size_of_an_effect_large_against_small() -> None:
    # 31840158
    source = reading(
        "The effect of simplifying leaflet shapes leads to small, but significant differences "
        "in light absorption and photosynthesis."
    )
    conflicts, _ = compare(
        reading("Simplifying leaflet shapes causes large differences in light absorption."), source
    )
    assert [(c.claim, c.source) for c in conflicts] == [("large", "small")]
    conflicts, agree = compare(
        reading("Simplifying leaflet shapes causes slight differences in light absorption."), source
    )
    assert not conflicts and agree >= 1
