"""torch-drills: PyTorch exercises and the grader that marks them.

The architecture, one module per idea:

    cli.py                 the `grade` command (click)
    course.py              course.yaml and exercise.yaml as dataclasses
    validate.py            schema validation with file:line:field errors
    jail/                  the student process: zygote, child, sandbox
    wire.py                plain data across the pipe (no pickle, ever)
    proxy.py               the check side of the pipe: `student`, handles
    checks.py              the API check authors import
    compare.py             assert_tensor and its learner-grade messages
    cases.py               seeded random inputs (`case`)
    constraints.py         ast rules on the student's source
    plugin.py              the pytest plugin that runs checks and collects outcomes
    runner.py              grade one submission -> a grade-result/1 document
    result.py              the result document
    report_terminal.py     the student's terminal view of a result
"""

__version__ = "0.1.0"
