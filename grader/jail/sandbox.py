"""Operating-system confinement of the student process.

Applied in the jail right after fork, before the student's file is imported.
Each mechanism is best effort: what could be applied is reported back, so
the result can say which protections were active.
"""

from __future__ import annotations

import ctypes
import os
import resource

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _set_limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def apply_rlimits(limits: dict, cuda: bool) -> list[str]:
    active = []
    _set_limit(resource.RLIMIT_CORE, 0)
    active.append("no-core-dumps")
    cpu_s = int(limits.get("cpu_s", 60))
    _set_limit(resource.RLIMIT_CPU, cpu_s)
    active.append(f"cpu={cpu_s}s")
    # Address space, not data segment: a shared mmap bypasses RLIMIT_DATA.
    # CUDA reserves huge virtual ranges, so on the GPU only the driver limits memory.
    if not cuda:
        memory = int(limits.get("memory_mb", 2560)) * 1024 * 1024
        _set_limit(resource.RLIMIT_AS, memory)
        active.append(f"memory={limits.get('memory_mb', 2560)}MiB")
    _set_limit(resource.RLIMIT_FSIZE, int(limits.get("file_mb", 16)) * 1024 * 1024)
    active.append("file-size")
    _set_limit(resource.RLIMIT_NOFILE, 256)
    active.append("open-files")
    return active


def cut_network() -> bool:
    """Move into a fresh network namespace with only a downed loopback."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    # Unprivileged: a user namespace first, where the kernel allows it.
    return libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def apply(config: dict, scratch: str) -> dict:
    """Confine this process. Returns what was applied, for the result."""
    report = {"rlimits": [], "network": False}
    cuda = config.get("device", "cpu") != "cpu"
    try:
        report["rlimits"] = apply_rlimits(config.get("limits", {}), cuda)
    except (OSError, ValueError) as e:
        report["rlimits_error"] = str(e)
    try:
        report["network"] = cut_network()
    except OSError:
        pass
    return report
