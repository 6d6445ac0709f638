"""`python -m grader.classroom worker COURSE_ROOT PARENT_PID DEVICE [pin]`: one check process of the pool."""

import sys

from grader.classroom.pool import worker_main

if len(sys.argv) in (5, 6) and sys.argv[1] == "worker" and sys.argv[5:] in ([], ["pin"]):
    worker_main(sys.argv[2], int(sys.argv[3]), sys.argv[4], pin=sys.argv[5:] == ["pin"])
else:
    print("usage: python -m grader.classroom worker COURSE_ROOT PARENT_PID DEVICE [pin]",
          file=sys.stderr)
    sys.exit(2)
