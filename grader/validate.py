"""`grade validate`: every problem in the course files, each with file, line and field.

The rules live in JSON Schemas (grader/schemas/), which editors can also use
for autocompletion; this module maps each schema error back to the YAML line
it came from, and adds the checks a schema cannot express (folders, files,
points that add up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMAS = Path(__file__).with_name("schemas")


@dataclass
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


def _validator(name: str):
    import jsonschema
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")}
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for name_, s in schemas.items()
        for uri in (name_, s["$id"]))
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def _field(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node, path) -> int:
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


def _load(path: Path, rel: str, problems: list[Problem]):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(rel, 0, "", "file not found"))
        return None, None
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(rel, 0, "", f"cannot read ({e})"))
        return None, None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        context, context_mark = getattr(e, "context", None), getattr(e, "context_mark", None)
        where = (f" ({context} that starts on line {context_mark.line + 1})"
                 if context and context_mark else "")
        problems.append(Problem(rel, mark.line + 1 if mark else 0, "",
                                f"not valid YAML: {getattr(e, 'problem', None) or e}{where}"))
        return None, None
    return data, node


def _schema_problems(validator, data, node, rel) -> list[Problem]:
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = list(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else ""
            out.append(Problem(rel, _line_of(node, path), _field(path + [missing]), "required"))
        elif err.validator == "additionalProperties":
            out.append(Problem(rel, _line_of(node, path), _field(path), err.message))
        else:
            message = err.message if len(err.message) < 200 else err.message[:200] + "..."
            out.append(Problem(rel, _line_of(node, path), _field(path) or "(top)", message))
    return out


def validate_course(root: Path) -> list[Problem]:
    root = Path(root)
    problems: list[Problem] = []
    course, course_node = _load(root / "course.yaml", "course.yaml", problems)
    if course is None:
        return problems
    problems += _schema_problems(_validator("course.schema.json"), course, course_node, "course.yaml")
    slugs = course.get("exercises") if isinstance(course, dict) else None
    if not isinstance(slugs, list):
        return problems
    release = not (root / "solutions").is_dir()
    validator = _validator("exercise.schema.json")
    for i, slug in enumerate(slugs):
        if not isinstance(slug, str):
            continue
        folder = root / "exercises" / slug
        rel = f"exercises/{slug}/exercise.yaml"
        if not (folder / "exercise.yaml").is_file():
            problems.append(Problem("course.yaml", _line_of(course_node, ["exercises", i]),
                                    f"exercises[{i}]", f"no file {rel}"))
            continue
        data, node = _load(folder / "exercise.yaml", rel, problems)
        if data is None:
            continue
        found = _schema_problems(validator, data, node, rel)
        problems += found
        if found or not isinstance(data, dict):
            continue
        problems += _folder_problems(root, folder, slug, data, node, rel, release)
    return problems


def _folder_problems(root, folder, slug, data, node, rel, release) -> list[Problem]:
    out = []
    names = [f["name"] for f in data["functions"]]
    if len(set(names)) != len(names):
        out.append(Problem(rel, _line_of(node, ["functions"]), "functions", "duplicate names"))
    total = sum(f.get("points", 0) for f in data["functions"])
    if any("points" in f for f in data["functions"]) and abs(total - data["points"]) > 1e-9:
        out.append(Problem(rel, _line_of(node, ["points"]), "points",
                           f"is {data['points']:g} but the functions' points add up to {total:g}"))
    for i, rule in enumerate(data.get("constraints") or []):
        for j, fn in enumerate(rule["functions"]):
            if fn not in names:
                out.append(Problem(rel, _line_of(node, ["constraints", i, "functions", j]),
                                   f"constraints[{i}].functions[{j}]",
                                   f"{fn!r} is not one of the exercise's functions"))
    if not (folder / "starter.py").is_file():
        out.append(Problem(f"exercises/{slug}/starter.py", 0, "", "file not found"))
    if not list((folder / "checks").glob("public_*.py")) and not list((folder / "checks").glob("hidden_*.py")):
        out.append(Problem(f"exercises/{slug}/checks", 0, "", "no public_*.py or hidden_*.py checks"))
    if not release and not (root / "solutions" / f"{slug}.py").is_file():
        out.append(Problem(f"solutions/{slug}.py", 0, "", "file not found (every exercise needs"
                                                          " a reference solution)"))
    return out
