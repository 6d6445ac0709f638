import sys, time
from pathlib import Path
from grader.course import load_course
from grader.runner import Grader
from grader import claimproof
course = load_course(Path("."))
g = Grader.start(course)
only = sys.argv[1:]
tot = flips = conly = 0
t0=time.time()
for ex in course.exercises:
    if only and not any(ex.slug.startswith(o) for o in only): continue
    sol = course.solution_path(ex) if hasattr(course,"solution_path") else Path("solutions")/f"{ex.slug}.py"
    log = claimproof.reference_log(g, ex, sol)
    ref = g.grade(ex, sol)
    print(ex.slug, "reference", ref["score"], "/", ref["max_score"], flush=True)
    for m in ex.mutants():
        c = claimproof.compare(g, ex, m, log, name=m.stem)
        tot += c.pairs; flips += len(c.flips); conly += len(c.claim_only)
        h = c.honest
        lost = h["score"] < h["max_score"] or h["status"] != "graded"
        if c.flips or not lost:
            print(f"  {m.stem}: honest {h['score']}/{h['max_score']} flips={c.flips} claim_only={c.claim_only}", flush=True)
print("pairs", tot, "flips", flips, "claim_only", conly, "time", round(time.time()-t0,1))
g.close()
