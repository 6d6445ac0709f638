"""The claim-forging proof: no check may pass because of what the student's process says.

For an exercise, grade the reference solution once, recording every claim its
jail makes (tensor metadata, call reports, probe reports, handles' answers),
check by check and in order. Then grade each mutant twice: with its own jail
(honest), and with the reference's claims in place of its own, as a jail that
lies in the student's favour would (forged). A check that failed on verified
grounds honestly and passes forged would have been passing on a claim: that is
a *flip*, and the proof fails. A check that failed on a claim (basis "claim",
from claim_fail or the jail's own reports) may pass forged: a claim may cost
points, and a lying process escapes that cost, which the count reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.proxy import ClaimLog


@dataclass
class Comparison:
    mutant: str
    honest: dict                                   # the grade-result/1 of the honest grading
    pairs: int = 0                                 # (check, mutant) pairs compared
    flips: list[str] = field(default_factory=list)         # check ids: failed -> passed on a claim
    claim_only: list[str] = field(default_factory=list)    # failed on a claim, passes forged


def reference_log(grader, exercise, solution_path, device: str = "cpu") -> ClaimLog:
    log = ClaimLog()
    grader.grade(exercise, solution_path, device=device, student="reference",
                 claims="record", claim_log=log)
    return log


def compare(grader, exercise, mutant_path, log: ClaimLog, device: str = "cpu",
            name: str = "") -> Comparison:
    honest = grader.grade(exercise, mutant_path, device=device, student=name)
    forged = grader.grade(exercise, mutant_path, device=device, student=name,
                          claims="forge", claim_log=log)
    result = Comparison(mutant=name, honest=honest)
    forged_by_id = {c["id"]: c for c in forged["checks"]}
    for check in honest["checks"]:
        other = forged_by_id.get(check["id"])
        if other is None:
            continue
        result.pairs += 1
        if check["outcome"] == "passed" or other["outcome"] != "passed":
            continue
        if check.get("basis") == "claim":
            result.claim_only.append(check["id"])
        else:
            result.flips.append(check["id"])
    return result
