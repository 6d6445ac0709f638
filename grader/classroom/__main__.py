"""`python -m grader.classroom worker COURSE_ROOT PARENT_PID DEVICE`: one check process of the pool."""

import sys

from grader.classroom.pool import worker_main

if len(sys.argv) == 5 and sys.argv[1] == "worker":
    worker_main(sys.argv[2], int(sys.argv[3]), sys.argv[4])
else:
    print("usage: python -m grader.classroom worker COURSE_ROOT PARENT_PID DEVICE",
          file=sys.stderr)
    sys.exit(2)
