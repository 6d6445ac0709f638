"""`grade validate`: every problem in the course files, each with file, line and field.

The rules live in JSON Schemas (grader/schemas/), which editors can also use
for autocompletion; this module maps each schema error back to the YAML line
it came from, and adds the checks a schema cannot express (folders, files,
points that add up) and, for a course offered in Chinese, every author text of
the check files and exercise.yaml that lacks its Chinese form
(grader/authoring_audit.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.course import yaml_line

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
            out.append(Problem(rel, yaml_line(node, path), _field(path + [missing]), "required"))
        elif err.validator == "additionalProperties":
            out += _unknown_fields(err, node, path, rel)
        else:
            message = err.message if len(err.message) < 200 else err.message[:200] + "..."
            out.append(Problem(rel, yaml_line(node, path), _field(path) or "(top)", message))
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
    from grader import authoring_audit
    bilingual = authoring_audit.course_speaks_chinese(course)
    for i, slug in enumerate(slugs):
        if not isinstance(slug, str):
            continue
        folder = root / "exercises" / slug
        rel = f"exercises/{slug}/exercise.yaml"
        if not (folder / "exercise.yaml").is_file():
            problems.append(Problem("course.yaml", yaml_line(course_node, ["exercises", i]),
                                    f"exercises[{i}]", f"no file {rel}"))
            continue
        data, node = _load(folder / "exercise.yaml", rel, problems)
        if data is None:
            continue
        problems += _schema_problems(validator, data, node, rel)
        if not isinstance(data, dict):
            continue
        # The semantic checks run even when the schema found problems: every problem
        # at once, not one round of fixes per kind. They read the data defensively.
        problems += _folder_problems(root, folder, slug, data, node, rel, release)
        problems += _definition_problems(root, folder, slug, data, node, rel, release)
        if bilingual:
            # Every author text a learner reads, in Chinese too (grader/authoring_audit.py).
            problems += [Problem(f.file, f.line, "", f.message)
                         for f in authoring_audit.yaml_findings(data, node, rel)
                         + authoring_audit.exercise_findings(folder, slug)]
    return problems


def _key_line(node, path, key) -> int:
    """The line of `key` itself in the mapping at `path`."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return 0
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if k.value == key:
                return k.start_mark.line + 1
    return node.start_mark.line + 1 if node is not None else 0


def _unknown_fields(err, node, path, rel) -> list[Problem]:
    """One problem per unknown field, at its own line, with its name (and a near name)."""
    import difflib
    import re
    known = set((err.schema or {}).get("properties", {}))
    patterns = list((err.schema or {}).get("patternProperties", {}))
    instance = err.instance if isinstance(err.instance, dict) else {}
    extra = [k for k in instance if k not in known
             and not any(re.search(p, str(k)) for p in patterns)]
    out = []
    for key in extra or [None]:
        if key is None:
            out.append(Problem(rel, yaml_line(node, path), _field(path) or "(top)", err.message))
            continue
        close = difflib.get_close_matches(str(key), sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else \
            (f" (known: {', '.join(sorted(known))})" if known else "")
        out.append(Problem(rel, _key_line(node, path, key), _field(path + [str(key)]),
                           f"unknown field {str(key)!r}{hint}"))
    return out


def _defined(path: Path) -> tuple[dict | None, str]:
    """Top-level definitions of a Python file: name -> ast node; or (None, why)."""
    import ast
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except FileNotFoundError:
        return None, ""
    except SyntaxError as e:
        return None, f"syntax error on line {e.lineno}: {e.msg}"
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return None, f"cannot be read ({e})"
    names = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = stmt
    return names, ""


def _params(fn) -> list[str]:
    a = fn.args
    out = [x.arg for x in a.posonlyargs + a.args]
    if a.vararg:
        out.append("*" + a.vararg.arg)
    out += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        out.append("**" + a.kwarg.arg)
    return out


def _declared(signature: str, name: str):
    """("class", None) or ("def", [params]) from exercise.yaml's signature, or (None, None)."""
    import ast
    text = signature.split("#", 1)[0].strip()
    if text.startswith("class "):
        return "class", None
    try:
        tree = ast.parse(f"def {text}: pass")
        fn = tree.body[0]
        return ("def", _params(fn)) if fn.name == name else (None, None)
    except SyntaxError:
        return None, None


def _definition_problems(root, folder, slug, data, node, rel, release) -> list[Problem]:
    """exercise.yaml's functions against the starter's and the solution's definitions."""
    import ast
    functions = data.get("functions") if isinstance(data.get("functions"), list) else []
    files = [(f"exercises/{slug}/starter.py", folder / "starter.py")]
    if not release:
        files.append((f"solutions/{slug}.py", root / "solutions" / f"{slug}.py"))
    out = []
    for shown, path in files:
        defs, why = _defined(path)
        if why:
            out.append(Problem(shown, 0, "", why))
        if defs is None:
            continue
        for i, f in enumerate(functions):
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                continue
            name, where = f["name"], yaml_line(node, ["functions", i])
            field = f"functions[{i}]"
            if name not in defs:
                out.append(Problem(rel, where, field + ".name",
                                   f"{name!r} is not defined in {shown}"))
                continue
            kind, params = _declared(str(f.get("signature") or ""), name)
            got = defs[name]
            is_class = isinstance(got, ast.ClassDef)
            if kind == "class" and not is_class:
                out.append(Problem(rel, where, field + ".signature",
                                   f"says class {name}, but {shown} defines {name} as a function"))
            elif kind == "def" and is_class:
                out.append(Problem(rel, where, field + ".signature",
                                   f"says {name}(...) is a function, but {shown} defines a class"))
            elif kind == "def" and isinstance(got, (ast.FunctionDef, ast.AsyncFunctionDef)):
                theirs = _params(got)
                if [p.lstrip("*") for p in theirs] != [p.lstrip("*") for p in params]:
                    out.append(Problem(rel, where, field + ".signature",
                                       f"is {name}({', '.join(params)}), but {shown} (line"
                                       f" {got.lineno}) defines {name}({', '.join(theirs)})"))
    return out


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _folder_problems(root, folder, slug, data, node, rel, release) -> list[Problem]:
    out = []
    functions = [f for f in (data.get("functions") if isinstance(data.get("functions"), list)
                             else []) if isinstance(f, dict)]
    names = [f["name"] for f in functions if isinstance(f.get("name"), str)]
    if len(set(names)) != len(names):
        out.append(Problem(rel, yaml_line(node, ["functions"]), "functions", "duplicate names"))
    total = sum(f["points"] for f in functions if _number(f.get("points")))
    if any(_number(f.get("points")) for f in functions) and _number(data.get("points")) \
            and abs(total - data["points"]) > 1e-9:
        out.append(Problem(rel, yaml_line(node, ["points"]), "points",
                           f"is {data['points']:g} but the functions' points add up to {total:g}"))
    rules = data.get("constraints") if isinstance(data.get("constraints"), list) else []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("functions"), list):
            continue
        for j, fn in enumerate(rule["functions"]):
            if fn not in names:
                out.append(Problem(rel, yaml_line(node, ["constraints", i, "functions", j]),
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
