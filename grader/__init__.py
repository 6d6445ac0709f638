"""torch-drills: PyTorch exercises and the grader that marks them.

The architecture, one module per idea:

    cli.py                 the `grade` command (click)
    course.py              course.yaml and exercise.yaml as dataclasses
    validate.py            schema validation with file:line:field errors
    jail/zygote.py         the warm parent that forks one jail per student process
    jail/child.py          the jail: imports the student's file and serves calls
    jail/fresh.py          a jail that never loaded torch (block_imports), with
    jail/notorch.py          an inert stand-in for the jail's own modules
    jail/sandbox.py        confinement: rlimits, namespaces, capabilities, and
    jail/landlock.py         a file-system allow-list, and
    jail/seccomp.py          a system-call filter
    wire.py                plain data across the pipe (no pickle, ever)
    proxy.py               the check side of the pipe: `student`, handles
    checks.py              the API check authors import
    compare.py             assert_tensor and its learner-grade messages
    cases.py               seeded random inputs (`case`)
    constraints.py         ast rules on the student's source, decided conservatively
    plugin.py              the pytest plugin that runs checks and collects outcomes
    runner.py              grade one submission -> a grade-result/1 document
    result.py              the result document
    report_terminal.py     the student's terminal view of a result
    report_html.py         HTML pages of results (an exercise, a student, a class)
    report_junit.py        JUnit XML of results, for CI (grade exercise --junit, grade class)
    notebook.py            Jupyter notebooks as submissions (nbformat), starter notebooks
    matching.py            which handed-in file is which exercise (04.py, broadcasting.py ...)
    wheel.py               the grader's own wheel, for student bundles and autograders
    gradescope.py          `grade gradescope` (cli_gradescope.py) and the run_autograder inside
    classroom/             a whole class: the pool of check processes (pool.py,
                             `python -m grader.classroom worker`), a class run
                             (run.py), submissions, the gradebook, flags, the
                             class view, exports (CSV, JSON, Gradescope) and
                             `grade check-solutions` (audit.py)
"""

__version__ = "0.1.0"
