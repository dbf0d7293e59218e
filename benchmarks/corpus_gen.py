"""Generate a realistic, internally consistent corpus: trials reported by articles, registry records, citation pages.

Each trial is drawn once (registry id, disease, phase, design, arms with doses and sizes that add up to
the number randomised) and then written up by the documents that would describe it: a structured
abstract whose group means, SDs, difference, 95% CI and p-value agree with each other; for some
trials a registry record with the same id, phase and enrolment; and citation pages that cite the
article's DOI. `write_corpus(folder, n, seed)` writes n documents; the same seed gives the same bytes.

    python benchmarks/corpus_gen.py OUT_DIR --documents 100
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass
from pathlib import Path

DISEASES = (
    "systemic lupus erythematosus", "type 1 diabetes", "rheumatoid arthritis", "chronic graft-versus-host disease",
    "amyotrophic lateral sclerosis", "ulcerative colitis", "psoriasis", "alopecia areata", "immune thrombocytopenia",
    "primary Sjogren's syndrome", "multiple sclerosis", "Crohn's disease",
)
MEASURES = ("Treg percentage", "SRI-4 response", "DAS28-CRP", "HbA1c", "PASI", "C-peptide AUC")
SCHEDULES = ("once daily for 5 days", "every other day for 12 weeks", "once weekly for 24 weeks")
PHASES = ("1", "2", "3")


@dataclass(frozen=True)
class Trial:
    """What every document about one trial must agree on."""

    number: int
    nct: str
    disease: str
    phase: str
    doses: tuple[str, ...]
    arm_sizes: tuple[int, ...]  # dose arms, then placebo
    measure: str
    schedule: str
    year: int

    @property
    def randomised(self) -> int:
        return sum(self.arm_sizes)

    @property
    def doi(self) -> str:
        return f"10.5555/synth.{self.number:05d}"

    @property
    def title(self) -> str:
        # Each trial's own title (papers about different trials do not share one): its acronym makes it unique.
        return (f"Low-dose interleukin-2 in {self.disease} (the LDT-{self.number:04d} study): a randomised, "
                "double-blind, placebo-controlled trial")


def draw_trial(rng: random.Random, number: int) -> Trial:
    """One trial: a disease, a phase, 1-2 dose arms and a placebo arm of sizes that add up."""
    doses = tuple(sorted(rng.sample(("0.5", "1", "1.5", "3"), rng.choice((1, 2))), key=float))
    sizes = tuple(rng.randrange(10, 40) for _ in range(len(doses) + 1))
    nct = f"NCT{10**7 + number * 7919 % 9 * 10**6 + number:08d}"  # unique: the last six digits are the number
    return Trial(number, nct, rng.choice(DISEASES), rng.choice(PHASES), doses, sizes, rng.choice(MEASURES),
                 rng.choice(SCHEDULES), rng.randrange(2012, 2025))


def _p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def _result(rng: random.Random, trial: Trial) -> str:
    """Group means and SDs, their difference, its 95% CI and the two-sided p-value, computed from each other."""
    n_active, n_placebo = trial.arm_sizes[-2], trial.arm_sizes[-1]
    sd_a, sd_p = round(rng.uniform(1.0, 3.0), 1), round(rng.uniform(1.0, 3.0), 1)
    mean_p = round(rng.uniform(-1.0, 1.0), 1)
    mean_a = round(mean_p + rng.uniform(-0.5, 3.0), 1)
    diff = round(mean_a - mean_p, 1)
    se = math.sqrt(sd_a**2 / n_active + sd_p**2 / n_placebo)
    low, high = round(diff - 1.96 * se, 1), round(diff + 1.96 * se, 1)
    p = max(min(math.erfc(abs(diff / se) / math.sqrt(2)), 0.999), 0.0001)
    return (f"Results: {trial.measure} changed by {mean_a:.1f} (SD {sd_a:.1f}) with {trial.doses[-1]} MIU and "
            f"{mean_p:.1f} (SD {sd_p:.1f}) with placebo; difference {diff:.1f} (95% CI {low:.1f} to {high:.1f}; "
            f"{_p_text(p)}).")


def article(rng: random.Random, trial: Trial) -> str:
    """A structured abstract of the trial's report."""
    arms = " or ".join(f"low-dose IL-2 {d} MIU" for d in trial.doses) + " or placebo"
    ratio = ":".join("1" for _ in trial.arm_sizes)
    events = rng.randrange(0, trial.arm_sizes[0] // 2 + 1)
    return (
        f"{trial.title}\n\nA. Author, B. Author\n\n"
        f"J Synth Med. {trial.year};{rng.randrange(1, 90)}({rng.randrange(1, 12)}):{rng.randrange(1, 400)}-"
        f"{rng.randrange(400, 900)}. doi: {trial.doi}\n\n"
        f"Background: Regulatory T cells (Tregs) are deficient in {trial.disease}, and low-dose interleukin-2 expands "
        f"them. We assessed the safety and efficacy of low-dose IL-2 in adults with {trial.disease}.\n\n"
        f"Methods: In this phase {trial.phase} trial, {trial.randomised} patients were randomly assigned ({ratio}) to "
        f"{arms}, given subcutaneously {trial.schedule}. The primary endpoint was {trial.measure} at week 12.\n\n"
        f"{_result(rng, trial)} Injection site reactions occurred in {events} patients; no serious adverse events "
        f"were observed.\n\n"
        f"Conclusions: Low-dose IL-2 was well tolerated in {trial.disease} and expanded Tregs.\n\n"
        f"Trial registration: {trial.nct}.\n"
    )


def registry_record(rng: random.Random, trial: Trial) -> str:
    """The trial's ClinicalTrials.gov-like record: same id, phase and enrolment as the article."""
    arms = "".join(f"Experimental: IL-2 {d} MIU\n  Interleukin-2 {d} MIU subcutaneously {trial.schedule}.\n"
                   for d in trial.doses)
    return (
        f"ClinicalTrials.gov ID: {trial.nct}\n"
        f"Brief Title: Low-Dose Interleukin-2 in {trial.disease.title()}\n"
        f"Phase: Phase {trial.phase}\nEnrollment: {trial.randomised} (Actual)\n"
        f"Allocation: Randomized\nIntervention Model: Parallel Assignment\nMasking: Double\n"
        f"Conditions: {trial.disease}\nArms and Interventions\n{arms}"
        f"Placebo Comparator: Placebo\n  Matching placebo.\n"
        f"Primary Outcome Measures\n  1. {trial.measure} [Time Frame: Week 12]\n"
    )


def citation_page(rng: random.Random, trial: Trial) -> str:
    """A citation-statement page for the trial's article, with counts and two statements."""
    return (
        f"{trial.year}\nDOI: {trial.doi}\n|View full text |Cite\n\n{trial.title}\n\n"
        f"Cited by {rng.randrange(1, 300)} publications\n({rng.randrange(1, 200)} citation statements)\n"
        f"References {rng.randrange(10, 80)} publications\n"
        f"\u201c\u2026Low-dose IL-2 expanded Tregs in {trial.disease} [{rng.randrange(1, 60)}].\u2026\u201d\n"
        f"Section: Introductionmentioning\nconfidence: 99%\n"
        f"\u201c\u2026Unlike previous reports, we saw no rise in Treg numbers ({rng.randrange(1, 60)}).\u2026\u201d\n"
        f"Section: Discussioncontrasting\nconfidence: 91%\n"
    )


def documents(count: int, seed: int = 20261129) -> list[tuple[str, str]]:
    """(file name, text) of `count` documents: per trial an article, then a registry record or a citation page."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    number = 0
    while len(out) < count:
        number += 1
        trial = draw_trial(rng, number)
        out.append((f"t{number:05d}-article.txt", article(rng, trial)))
        extra = rng.random()
        if extra < 0.35 and len(out) < count:
            out.append((f"t{number:05d}-registry.txt", registry_record(rng, trial)))
        elif extra < 0.55 and len(out) < count:
            out.append((f"t{number:05d}-citations.txt", citation_page(rng, trial)))
    return out


def write_corpus(folder: Path, count: int, seed: int = 20261129) -> list[Path]:
    """Write `count` generated documents into folder; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in documents(count, seed):
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write a generated corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    print(f"wrote {len(write_corpus(args.out, args.documents, args.seed))} documents into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
