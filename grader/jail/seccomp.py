"""seccomp: the system calls a jail may not make.

A classic-BPF program, installed once right after fork, that the kernel runs
on every system call of the jail and of anything it creates. It refuses,
with EPERM (so the student sees a plain `PermissionError`):

- new processes: fork, vfork, clone without CLONE_THREAD, and clone3 (which
  answers ENOSYS, so glibc falls back to clone, which is then judged by its
  flags); threads still work. Where the exercise allows processes, fork and
  clone come back, but never new namespaces or CLONE_PARENT;
- exec, in every case: execve, execveat;
- sockets: socket and socketpair (only AF_UNIX where processes are allowed,
  for multiprocessing); the jail needs none, it inherits its one socket;
- reaching other processes: ptrace, process_vm_readv/writev, kcmp, pidfd_*,
  process_madvise; kill/tgkill/rt_sigqueueinfo aimed at anything but the
  jail itself (or its own process group); tkill;
- leaving the process group or session: setsid, setpgid;
- raising its own limits: setrlimit, prlimit64 with a new limit;
- memory no limit counts: memfd_create and memfd_secret (a memfd's pages
  are not address space until mapped, so RLIMIT_AS would not see them);
- namespaces and mounts: unshare, setns, mount and the new mount API,
  pivot_root, chroot; clone with any CLONE_NEW* flag;
- kernel attack surface it has no use for: io_uring, bpf, perf_event_open,
  userfaultfd, keyctl/add_key/request_key, open_by_handle_at, and the
  administrative calls (reboot, kexec, modules, swap, acct, syslog, quotas,
  iopl/ioperm, fanotify), which need capabilities the jail no longer has;
- a system call from another ABI (x32, or a foreign architecture through
  int 0x80 on x86-64): the process is killed, since the numbers above would
  not mean the same thing.

Everything else is allowed: this is a deny-list of capabilities the jail
must not have, layered under Landlock (files, TCP, signals) and resource
limits, not an allow-list of what torch happens to call today, which would
break with every torch release.

Why raw BPF through ctypes rather than a binding: libseccomp's Python
bindings are not on PyPI as a maintained wheel (`pyseccomp` was last released
in 2021 and needs libseccomp.so installed), and the program is under two
hundred instructions (a compare per denied call, so an allowed call costs
well under a microsecond) that a small assembler below writes and that
`describe()` can print; nothing here depends on a library being present.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_GET_SECCOMP = 21
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000

# classic BPF
LD_W_ABS = 0x20     # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15        # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35        # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45       # BPF_JMP | BPF_JSET | BPF_K
RET_K = 0x06        # BPF_RET | BPF_K

# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
OFF_NR, OFF_ARCH = 0, 4


def _arg_lo(i: int) -> int:
    return 16 + 8 * i  # little-endian: the low 32 bits come first


def _arg_hi(i: int) -> int:
    return 16 + 8 * i + 4


CLONE_THREAD = 0x00010000
CLONE_PARENT = 0x00008000
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_FORBIDDEN = (CLONE_PARENT | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
                   | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
AF_UNIX = 1
X32_SYSCALL_BIT = 0x40000000

# System call numbers per architecture (from the kernel's unistd headers):
# x86-64 first, then the generic table that aarch64 uses.
ARCHES = {
    "x86_64": {"audit": 0xC000003E, "x32": True, "nr": {
        "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
        "socket": 41, "socketpair": 53, "ptrace": 101, "process_vm_readv": 310,
        "process_vm_writev": 311, "kcmp": 312, "pidfd_open": 434, "pidfd_getfd": 438,
        "pidfd_send_signal": 424, "process_madvise": 440, "process_mrelease": 448,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "mount_setattr": 442, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "bpf": 321, "perf_event_open": 298,
        "keyctl": 250, "add_key": 248, "request_key": 249, "userfaultfd": 323,
        "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313,
        "delete_module": 176, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
        "syslog": 103, "quotactl": 179, "quotactl_fd": 443, "name_to_handle_at": 303,
        "open_by_handle_at": 304, "setsid": 112, "setpgid": 109, "setrlimit": 160,
        "prlimit64": 302, "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129,
        "rt_tgsigqueueinfo": 297, "iopl": 172, "ioperm": 173, "vhangup": 153,
        "lookup_dcookie": 212, "fanotify_init": 300, "migrate_pages": 256, "memfd_create": 319,
        "memfd_secret": 447}},
    "aarch64": {"audit": 0xC00000B7, "x32": False, "nr": {
        "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "socket": 198,
        "socketpair": 199, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "kcmp": 272, "pidfd_open": 434, "pidfd_getfd": 438, "pidfd_send_signal": 424,
        "process_madvise": 440, "process_mrelease": 448, "unshare": 97, "setns": 268,
        "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "bpf": 280, "perf_event_open": 241, "keyctl": 219,
        "add_key": 217, "request_key": 218, "userfaultfd": 282, "kexec_load": 104,
        "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89, "syslog": 116,
        "quotactl": 60, "quotactl_fd": 443, "name_to_handle_at": 264,
        "open_by_handle_at": 265, "setsid": 157, "setpgid": 154, "setrlimit": 164,
        "prlimit64": 261, "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138,
        "rt_tgsigqueueinfo": 240, "vhangup": 58, "lookup_dcookie": 18, "fanotify_init": 262,
        "migrate_pages": 238, "memfd_create": 279, "memfd_secret": 447}},
}

# Refused outright, whatever the arguments.
ALWAYS_DENIED = (
    "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "process_madvise", "process_mrelease",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "bpf", "perf_event_open", "keyctl", "add_key",
    "request_key", "userfaultfd", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "syslog",
    "quotactl", "quotactl_fd", "name_to_handle_at", "open_by_handle_at", "setsid", "setpgid",
    "setrlimit", "iopl", "ioperm", "vhangup", "lookup_dcookie", "fanotify_init",
    "migrate_pages", "memfd_create", "memfd_secret",
)


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def machine() -> str:
    return platform.machine().lower().replace("amd64", "x86_64").replace("arm64", "aarch64")


def supported() -> bool:
    """Whether this machine can have our filter: Linux, a known architecture, seccomp built in."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux" or machine() not in ARCHES:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    # 0: not filtered yet; 2: already filtered (filters stack); -1/EINVAL: no seccomp.
    return libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0


def _ret(value: int) -> list:
    return [(RET_K, 0, 0, value)]


def _eperm() -> list:
    return _ret(RET_ERRNO | errno.EPERM)


def _s32(value: int) -> int:
    return value & 0xFFFFFFFF


def _clone_block(allow_processes: bool) -> list:
    block = [(LD_W_ABS, 0, 0, _arg_lo(0)),
             (JSET_K, 0, 1, CLONE_FORBIDDEN), *_eperm()]
    if allow_processes:
        return block + _ret(RET_ALLOW)
    return block + [(JSET_K, 0, 1, CLONE_THREAD), *_ret(RET_ALLOW), *_eperm()]


def _signal_block(self_pid: int, allow_processes: bool, allow_group: bool) -> list:
    """For kill-like calls whose first argument names the target (pid or tgid)."""
    block = [(LD_W_ABS, 0, 0, _arg_lo(0))]
    if allow_processes:
        # The jail's own children have other pids; Landlock's signal scoping
        # (ABI 6) keeps signals inside the jail. Never -1 (every process we
        # may signal) nor another process group.
        block += [(JSET_K, 0, 1 + 2 * allow_group, 0x80000000)]
        if allow_group:
            block += [(JEQ_K, 0, 1, _s32(-self_pid)), *_ret(RET_ALLOW)]
        block += [*_eperm(), *_ret(RET_ALLOW)]
        return block
    targets = [self_pid] + ([0, _s32(-self_pid)] if allow_group else [])
    for t in targets:
        block += [(JEQ_K, 0, 1, t), *_ret(RET_ALLOW)]
    return block + _eperm()


def _socket_block(allow_processes: bool) -> list:
    if not allow_processes:
        return _eperm()
    return [(LD_W_ABS, 0, 0, _arg_lo(0)), (JEQ_K, 0, 1, AF_UNIX), *_ret(RET_ALLOW), *_eperm()]


def _prlimit_block() -> list:
    # prlimit64(pid, resource, new_limit, old_limit): reading is fine, setting is not.
    return [(LD_W_ABS, 0, 0, _arg_lo(2)), (JEQ_K, 0, 3, 0),
            (LD_W_ABS, 0, 0, _arg_hi(2)), (JEQ_K, 0, 1, 0),
            *_ret(RET_ALLOW), *_eperm()]


def program(self_pid: int, allow_processes: bool = False, arch: str | None = None) -> list:
    """The filter as a list of (code, jt, jf, k) instructions."""
    table = ARCHES[arch or machine()]
    nr = table["nr"]
    rules: list[tuple[int, list]] = []
    for name in ALWAYS_DENIED:
        if name in nr:
            rules.append((nr[name], _eperm()))
    for name in ("fork", "vfork"):
        if name in nr:
            rules.append((nr[name], _ret(RET_ALLOW) if allow_processes else _eperm()))
    rules.append((nr["clone"], _clone_block(allow_processes)))
    # ENOSYS: glibc then falls back to clone(), whose flags we can read
    # (clone3 passes them in memory, out of a filter's reach).
    rules.append((nr["clone3"], _ret(RET_ERRNO | errno.ENOSYS)))
    rules.append((nr["socket"], _socket_block(allow_processes)))
    rules.append((nr["socketpair"], _socket_block(allow_processes)))
    rules.append((nr["prlimit64"], _prlimit_block()))
    rules.append((nr["kill"], _signal_block(self_pid, allow_processes, allow_group=True)))
    for name in ("tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.append((nr[name], _signal_block(self_pid, allow_processes, allow_group=False)))
    rules.append((nr["tkill"], _ret(RET_ALLOW) if allow_processes else _eperm()))

    code = [(LD_W_ABS, 0, 0, OFF_ARCH),
            (JEQ_K, 1, 0, table["audit"]), *_ret(RET_KILL_PROCESS),
            (LD_W_ABS, 0, 0, OFF_NR)]
    if table["x32"]:
        code += [(JGE_K, 0, 1, X32_SYSCALL_BIT), *_ret(RET_KILL_PROCESS)]
    for number, block in rules:
        # Each block ends in a return on every path, so a miss jumps over it.
        code.append((JEQ_K, 0, len(block), number))
        code += block
        # A block that reloaded the accumulator never falls through, so the
        # next comparison still sees the syscall number.
    code += _ret(RET_ALLOW)
    for op, jt, jf, _k in code:
        assert jt < 256 and jf < 256, "a BPF jump is out of range"
    return code


def describe(code: list) -> str:
    """A readable listing of a program, for debugging and the docs."""
    names = {RET_K: "ret", LD_W_ABS: "ld", JEQ_K: "jeq", JGE_K: "jge", JSET_K: "jset"}
    return "\n".join(f"{i:3d} {names.get(op, hex(op)):4s} jt={jt} jf={jf} k={k:#x}"
                     for i, (op, jt, jf, k) in enumerate(code))


def install(allow_processes: bool = False) -> None:
    """Install the filter on this process (and everything it creates). Raises OSError."""
    code = program(os.getpid(), allow_processes)
    # struct sock_filter is {u16 code; u8 jt; u8 jf; u32 k}: pack it directly
    # (building ctypes structures one by one costs a millisecond in a fresh fork).
    packed = ctypes.create_string_buffer(b"".join(struct.pack("=HBBI", *ins) for ins in code))
    prog = _Program(len(code), ctypes.cast(packed, ctypes.POINTER(_Filter)))
    libc = ctypes.CDLL(None, use_errno=True)
    # Without CAP_SYS_ADMIN the kernel requires no_new_privs first; with it,
    # we want it anyway.
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(NO_NEW_PRIVS): {os.strerror(err)}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(SET_SECCOMP): {os.strerror(err)}")
