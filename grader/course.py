"""The course model: course.yaml and exercises/*/exercise.yaml as dataclasses.

Loading a course never imports torch: `grade list`, `grade show` and
`grade validate` stay fast. Validation lives in validate.py; this module
assumes the files are valid and fails with CourseError when they are not.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grader import i18n

DEFAULT_LIMITS = {"timeout_s": 10.0, "cpu_s": 60, "memory_mb": 2560, "output_kb": 64,
                  "file_mb": 16,
                  # Bounds of the trusted check process (course.yaml only; see
                  # docs/security.md): the largest reply from the jail, the most
                  # items a handle may yield, its own data-segment limit. The
                  # grading's wall-clock budget, `grading_s`, is derived from
                  # timeout_s and the number of checks unless it is set.
                  "result_mb": 64, "handle_items": 100_000, "check_memory_mb": 1024}
# The default grading budget is timeout_s per check plus one (loading the
# file), and never more than this many timeouts in all.
BUDGET_TIMEOUTS_CAP = 30
# What a class pool allows a worker beyond the longest budget before it kills
# it (a check process stuck outside any call to the jail).
POOL_MARGIN_S = 30.0

# libyaml's safe loader where PyYAML has it: the same documents, about 15
# times faster (every command that loads the course parses every exercise.yaml).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CourseError(Exception):
    """A problem with the course files or an argument naming them (exit 2)."""


@dataclass
class Function:
    name: str
    signature: str
    points: float = 0.0
    may_modify_inputs: bool = False
    device_check: bool = True      # also called once with its tensors on 'meta' (a device mistake shows)


@dataclass
class Constraint:
    functions: list[str]
    no_loops: bool = False
    single_expression: bool = False
    forbidden_calls: list[str] = field(default_factory=list)
    forbidden_names: list[str] = field(default_factory=list)
    allowed_calls: list[str] | None = None
    allowed_attributes: list[str] | None = None   # None: any attribute; else only these (.shape)


@dataclass
class Exercise:
    slug: str                      # "04_broadcasting"
    folder: Path
    title: dict[str, str]
    topic: str
    difficulty: int
    points: float
    functions: list[Function]
    instructions: dict[str, str]
    hints: list[dict[str, str]]
    constraints: list[Constraint]
    limits: dict
    block_imports: list[str]
    allow_processes: bool
    devices: list[str] = field(default_factory=lambda: ["cpu", "cuda"])
    preload: list[str] = field(default_factory=list)
    hidden_count: int = 0          # in a student bundle: hidden checks run at grading time
    hidden_feedback: str = ""      # what hidden checks show: outcome | diagnosis | all ("": the course's)

    @property
    def number(self) -> str:
        return self.slug.split("_", 1)[0]

    @property
    def name(self) -> str:
        return self.slug.split("_", 1)[1] if "_" in self.slug else self.slug

    @property
    def starter(self) -> Path:
        return self.folder / "starter.py"

    @property
    def checks_dir(self) -> Path:
        return self.folder / "checks"

    def check_files(self, include_hidden: bool = True) -> list[Path]:
        patterns = ["public_*.py"] + (["hidden_*.py"] if include_hidden else [])
        return [p for pat in patterns for p in sorted(self.checks_dir.glob(pat))]

    def support_files(self) -> list[Path]:
        """checks/support_*.py: helpers the checks import; they ship with the public checks."""
        return sorted(self.checks_dir.glob("support_*.py"))

    def mutants(self) -> list[Path]:
        return sorted((self.folder / "mutants").glob("*.py"))

    def text(self, mapping: dict[str, str], lang: str) -> str:
        return mapping.get(lang) or mapping.get("en") or ""

    def function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)


@dataclass
class Course:
    root: Path
    title: dict[str, str]
    salt: str
    limits: dict
    exercises: list[Exercise]
    weights: dict[str, float]
    # Exercises whose files are missing or broken: slug -> why. One broken
    # exercise must not lock a class out of the others.
    broken: dict[str, str] = field(default_factory=dict)
    hidden_feedback: str = "diagnosis"   # course.yaml feedback.hidden: outcome | diagnosis | all
    language: str = ""                   # course.yaml language: the default for learners

    def feedback_for(self, ex: Exercise) -> str:
        return ex.hidden_feedback or self.hidden_feedback

    def find(self, ident: str) -> Exercise:
        """`03`, `3`, `03_broadcasting` and `broadcasting` all name the same exercise."""
        ident = str(ident).strip()
        for slug, why in self.broken.items():
            number, _, name = slug.partition("_")
            if ident in (slug, number, name) or (ident.isdigit() and number.isdigit()
                                                  and int(ident) == int(number)):
                raise CourseError(why)
        for ex in self.exercises:
            if ident in (ex.slug, ex.number, ex.name) or (
                    ident.isdigit() and ex.number.isdigit() and int(ident) == int(ex.number)):
                return ex
        raise CourseError(i18n._("no exercise named {name}").format(name=repr(ident))
                          + self._suggest(ident))

    def _suggest(self, ident: str) -> str:
        """'; did you mean 04_broadcasting?' (difflib), else the exercises there are."""
        import difflib
        names = {}
        for ex in self.exercises:
            for name in (ex.slug, ex.name, ex.name.replace("_", " ")):
                names.setdefault(name.lower(), ex.slug)
        close = difflib.get_close_matches(ident.lower(), list(names), n=3, cutoff=0.6)
        slugs = list(dict.fromkeys(names[c] for c in close))
        if slugs:
            return i18n._("; did you mean {names}?").format(names=i18n._(" or ").join(slugs))
        known = ", ".join(ex.slug for ex in self.exercises)
        return i18n._(" (known: {names})").format(names=known)

    def solution(self, ex: Exercise) -> Path:
        return self.root / "solutions" / f"{ex.slug}.py"

    def limits_for(self, ex: Exercise) -> dict:
        return {**DEFAULT_LIMITS, **self.limits, **ex.limits}

    def check_limits(self) -> dict:
        """The course's limits without an exercise's: what bounds a check process as a whole."""
        return {**DEFAULT_LIMITS, **self.limits}

    def pool_limit_s(self, exercises) -> float:
        """How long a class worker may take over one grading of any of `exercises`."""
        return max(grading_budget(self.limits_for(ex)) for ex in exercises) + POOL_MARGIN_S

    def is_release(self) -> bool:
        """A student bundle has no solutions folder and no hidden checks."""
        return not (self.root / "solutions").is_dir()


def grading_budget(limits: dict, checks: int | None = None) -> float:
    """Seconds one grading may take: `grading_s` if the course sets it, else the
    per-call timeout once per check and once more, at most BUDGET_TIMEOUTS_CAP
    timeouts (`checks` None: that cap, the most any grading may take)."""
    if limits.get("grading_s"):
        return float(limits["grading_s"])
    timeout = float(limits["timeout_s"])
    cap = BUDGET_TIMEOUTS_CAP * timeout
    return cap if checks is None else min(timeout * (checks + 1), cap)


def yaml_line(node, path) -> int:
    """The 1-based line of the YAML node at `path` (or of its nearest parent)."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1 if node is not None else 0


def _read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=SAFE_LOADER)
    except FileNotFoundError:
        raise CourseError(f"{path}: file not found") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CourseError(f"{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CourseError(f"{path}: cannot read ({e})") from None


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds course.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "course.yaml").is_file():
            return folder
    raise CourseError(i18n._("no course.yaml here or in any parent folder (use --course PATH)"))


def _load_exercise(folder: Path) -> Exercise:
    data = _read_yaml(folder / "exercise.yaml")
    if not isinstance(data, dict):
        raise CourseError(f"{folder / 'exercise.yaml'}: expected a mapping (run grade validate)")
    try:
        jail = data.get("jail") or {}
        return Exercise(
            slug=folder.name,
            folder=folder,
            title=data["title"],
            topic=data.get("topic", ""),
            difficulty=int(data.get("difficulty", 1)),
            points=float(data.get("points", 0)),
            functions=[Function(name=f["name"], signature=f.get("signature", f["name"] + "(...)"),
                                points=float(f.get("points", 0)),
                                may_modify_inputs=bool(f.get("may_modify_inputs", False)),
                                device_check=bool(f.get("device_check", True)))
                       for f in data.get("functions", [])],
            instructions=data.get("instructions", {}),
            hints=data.get("hints", []) or [],
            constraints=[Constraint(**c) for c in data.get("constraints", []) or []],
            limits=data.get("limits", {}) or {},
            block_imports=list(jail.get("block_imports", []) or []),
            allow_processes=bool(jail.get("allow_processes", False)),
            devices=list(data.get("devices") or ["cpu", "cuda"]),
            preload=list(jail.get("preload", []) or []),
            hidden_feedback=str((data.get("feedback") or {}).get("hidden", "") or ""),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise CourseError(f"{folder / 'exercise.yaml'}: invalid ({e}); run grade validate") from None


@functools.lru_cache(maxsize=8)
def load_course(root: Path) -> Course:
    root = Path(root).resolve()
    data = _read_yaml(root / "course.yaml")
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
        raise CourseError(f"{root / 'course.yaml'}: expected a mapping with an exercises list"
                          " (run grade validate)")
    exercises, broken = [], {}
    for slug in data["exercises"]:
        folder = root / "exercises" / str(slug)
        if not (folder / "exercise.yaml").is_file():
            broken[str(slug)] = (f"{root / 'course.yaml'}: exercise {slug!r} has no"
                                 f" exercises/{slug}/exercise.yaml")
            continue
        try:
            exercises.append(_load_exercise(folder))
        except CourseError as e:
            broken[str(slug)] = str(e)
    # A student bundle (grade release) says how many hidden checks each exercise has.
    release = root / "release.json"
    if release.is_file():
        try:
            counts = json.loads(release.read_text(encoding="utf-8")).get("hidden_checks", {})
            for ex in exercises:
                ex.hidden_count = int(counts.get(ex.slug, 0))
        except (OSError, ValueError, AttributeError, TypeError):
            raise CourseError(f"{release}: not a valid release.json") from None
    title = data.get("title", {"en": root.name})
    return Course(root=root, title=title if isinstance(title, dict) else {"en": str(title)},
                  salt=str(data.get("salt", "")), limits=data.get("limits", {}) or {},
                  exercises=exercises, weights=data.get("weights", {}) or {}, broken=broken,
                  hidden_feedback=str((data.get("feedback") or {}).get("hidden") or "diagnosis"),
                  language=str(data.get("language") or ""))
