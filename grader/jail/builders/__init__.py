"""What a check may have built inside the student's process: a fixed list, by name.

core.py holds the registry, the `Claimed` marker and the general builders
(torch's own classes by name, functions as data, loaded models, probes);
each other module adds the builders of one topic of the course. All of it is
public and none of it is trusted: see core.py.
"""

from grader.jail.builders.core import BUILDERS, Claimed, build, builder
from grader.jail.builders import autograd, data, devices, models, training  # noqa: F401  (they register)

__all__ = ["BUILDERS", "Claimed", "build", "builder"]
