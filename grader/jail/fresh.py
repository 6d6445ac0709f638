"""A jail that never had torch: for exercises with `jail: block_imports: [torch]`.

A jail forked from the zygote holds torch in memory: deleting it from
sys.modules hides a name, not the modules, which the student's code can
still reach (through the jail's own modules, gc, `object.__subclasses__()`,
frames, ...). So for an exercise that must not use a library, the zygote's
fork does not serve the student: it execs a fresh interpreter right away
(`python -I -S -c BOOT ARGS`), which

1. loads the jail's modules with a stand-in for the blocked library
   (grader/jail/notorch.py), never the library itself;
2. confines itself as every jail does (sandbox.apply), with the blocked
   library's installation cut out of Landlock's read allow-list
   (`deny_read`, found by `denied_paths` in the zygote, which has it), so no
   path to it can be opened: not by `import`, not by
   `importlib.util.spec_from_file_location`, not by ctypes;
3. keeps child.py's import hook for a friendly "not allowed in this
   exercise" message, then imports the student's file.

What this does not close (docs/security.md): a copy of the library outside
the Python installation's folders the grader knows (site-packages,
dist-packages under /usr and /usr/local) stays readable, and ctypes can load
any shared library the allow-list leaves readable; for torch that means C++
functions, not the torch module. Where the exec fails the jail is forked as
before and says so in its sandbox report (`torch-free` missing).
"""

from __future__ import annotations

import glob
import json
import os
import sys

# The new interpreter's first words: our module path, then fresh.main.
BOOT = ("import sys, json; args = json.loads(sys.argv[1]); sys.path[:] = args['sys_path'];"
        " from grader.jail.fresh import main; main(args)")


def denied_paths(names: list[str]) -> list[str]:
    """Where the blocked top-level packages live: every copy the grader can find.

    Runs in the zygote, which may have them imported: the loaded module says
    where it came from; every folder on sys.path and the system's Python
    package folders are searched by name as well.
    """
    found = set()
    folders = [p for p in sys.path if p and os.path.isdir(p)]
    for pattern in ("/usr/lib/python3*/*-packages", "/usr/local/lib/python3*/*-packages",
                    "/usr/lib64/python3*/*-packages", "/opt/*/lib/python3*/site-packages"):
        folders += glob.glob(pattern)
    for name in names:
        top = name.split(".")[0]
        module = sys.modules.get(top)
        file = getattr(module, "__file__", None)
        if file:
            found.add(os.path.dirname(os.path.realpath(file)) if file.endswith("__init__.py")
                      else os.path.realpath(file))
        for path in getattr(module, "__path__", None) or []:
            found.add(os.path.realpath(path))
        for folder in folders:
            for candidate in [os.path.join(folder, top), os.path.join(folder, top + ".py")] + \
                    glob.glob(os.path.join(folder, glob.escape(top) + ".*.so")) + \
                    glob.glob(os.path.join(folder, glob.escape(top) + "-*.dist-info")):
                if os.path.exists(candidate):
                    found.add(os.path.realpath(candidate))
    return sorted(found)


def exec_jail(fds: list[int], config: dict, scratch: str) -> None:
    """In the zygote's fresh fork: become a new interpreter that serves this jail.

    Returns only if the exec failed (the caller then serves the jail itself).
    """
    try:
        os.setpgid(0, 0)  # before the exec: a kill of the group must not miss us
    except OSError:
        pass
    for fd in fds:
        os.set_inheritable(fd, True)
    args = {"fds": list(fds), "config": dict(config, fresh_process=True), "scratch": scratch,
            "sys_path": [p for p in sys.path if p]}
    try:
        os.execve(sys.executable, [sys.executable, "-I", "-S", "-c", BOOT, json.dumps(args)],
                  {"LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"})
    except OSError as e:
        config["fresh_process_error"] = f"{type(e).__name__}: {e}"


def main(args: dict) -> None:
    """In the new interpreter: load the jail without the blocked library, then serve."""
    sys.dont_write_bytecode = True
    sys.argv = ["jail"]  # our command line held the config: no need to keep it in reach
    from grader.jail import notorch
    notorch.install()
    try:
        from grader.jail.child import run_jail
    finally:
        notorch.uninstall()
    fds = args["fds"]
    try:
        run_jail(fds[0], fds[1], fds[2], args["config"], args["scratch"])
    finally:
        os._exit(70)
