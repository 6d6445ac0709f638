"""A whole class: `grade class`, `grade report` and `grade check-solutions`.

    pool.py          check processes (one per core), each with its own jail parent
    factory.py       the warm interpreter the pool's check processes are forked from
    run.py           a class run: discover, grade what is missing, store each result
    submissions.py   SUBMISSIONS/: students, their files, notes on what was not read
    gradebook.py     REPORT/gradebook.sqlite: every grading, one transaction each
    flags.py         what an instructor should look at (timeouts, crashes, tampering)
    view.py          the class as data: totals, statistics, flags
    exports.py       grades.csv, results.json, Gradescope files
    reports.py       every file of a class report, rendered again from the gradebook
    fanout.py        the students' files shared with forked copies of the process
    audit.py         `grade check-solutions` on the same pool
    cluster.py       the same grading on a Dask cluster (--cluster local, --scheduler)

A check process is pool.worker_main: forked by the factory for the pool, or
`python -m grader.classroom worker ...` (__main__.py) on a Dask worker.
Nothing here imports torch except the factory and the check processes.
"""
