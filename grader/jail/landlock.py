"""Landlock: a file-system allow-list, no TCP, and no signals out of the jail.

Landlock (Linux 5.13+) lets any process, root or not, give up access rights
for itself and for every process it later creates. The jail calls
`restrict()` once, right after fork and before the student's file is
imported: from then on it can read only the paths it was given, write only
its scratch directory, and, where the kernel's Landlock ABI has them, neither
bind nor connect TCP sockets (ABI 4) nor signal any process outside the jail
(ABI 6). Landlock also stops the jail from ptrace-style access to processes
outside it (/proc/<pid>/environ, /proc/<pid>/mem, process_vm_readv), on
every ABI.

Why raw system calls through ctypes rather than a binding from PyPI: the
whole interface is three system calls and three small structs, stable since
2021 and versioned by the kernel itself (the ABI number), so a binding would
add a dependency without removing any real complexity. The binding with the
most use (`landlock` on PyPI) is still a pre-release (1.0.0.dev5), and the
others are months old; we need the newer ABIs (TCP, signal scoping) and a
clear report of which ABI was applied, which a dozen lines here give us.

Reference: https://docs.kernel.org/userspace-api/landlock.html
"""

from __future__ import annotations

import ctypes
import os
import stat
from dataclasses import dataclass, field

# System call numbers: the same on every architecture (added after the
# syscall tables were unified).
SYS_CREATE_RULESET = 444
SYS_ADD_RULE = 445
SYS_RESTRICT_SELF = 446

CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

# File-system rights, with the ABI that introduced each.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13        # ABI 2
FS_TRUNCATE = 1 << 14     # ABI 3
FS_IOCTL_DEV = 1 << 15    # ABI 5

NET_BIND_TCP = 1 << 0     # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4

SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1                # ABI 6

# Rights that make sense on a regular file (a rule on a file with any other
# right is refused by the kernel).
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

READ = FS_READ_FILE | FS_READ_DIR
# Write access to the scratch directory: everything but device nodes, FIFOs
# and sockets (sockets are added back where processes are allowed, for
# multiprocessing's listener).
WRITE = (READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG
         | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)


def _fs_rights_for(abi: int) -> int:
    """Every file-system right this ABI knows: all of them are denied unless granted."""
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = None


def _syscall():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def abi_version() -> int:
    """The kernel's Landlock ABI version: 0 where Landlock is missing or disabled."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return 0
    try:
        libc = _syscall()
    except OSError:
        return 0
    version = libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                           ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


@dataclass
class Applied:
    """What `restrict()` achieved, for the result's `sandbox` field."""
    abi: int = 0
    filesystem: bool = False
    tcp: bool = False
    signals: bool = False
    skipped_paths: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"abi": self.abi, "filesystem": self.filesystem, "tcp": self.tcp,
                "signals": self.signals}


def _add_path(ruleset_fd: int, path: str, rights: int, handled: int) -> bool:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        attr = _PathBeneathAttr(rights & handled, fd)
        rc = _syscall().syscall(SYS_ADD_RULE, ctypes.c_int(ruleset_fd),
                                ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(attr),
                                ctypes.c_uint32(0))
        return rc == 0
    finally:
        os.close(fd)


def restrict(read: list[str], write: list[str], *, extra_write_rights: int = 0) -> Applied:
    """Confine this process (and its future threads and children) for good.

    `read`: paths (directories or files) that may be read; `write`: paths
    that may also be written, created in and deleted from. Everything else
    on the file system is refused, and so are TCP and signals to processes
    outside the jail where the ABI allows. Raises OSError if Landlock is
    present but the restriction could not be applied.
    """
    applied = Applied(abi=abi_version())
    if applied.abi < 1:
        return applied
    libc = _syscall()
    handled_fs = _fs_rights_for(applied.abi)
    attr = _RulesetAttr(handled_access_fs=handled_fs)
    size = 8
    if applied.abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if applied.abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    fd = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                      ctypes.c_uint32(0))
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"landlock_create_ruleset: {os.strerror(err)}")
    try:
        for path in read:
            if not _add_path(fd, path, READ, handled_fs):
                applied.skipped_paths.append(path)
        for path in write:
            if not _add_path(fd, path, WRITE | extra_write_rights, handled_fs):
                applied.skipped_paths.append(path)
        # Required to restrict oneself without CAP_SYS_ADMIN; also keeps any
        # later exec from gaining privileges.
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"prctl(NO_NEW_PRIVS): {os.strerror(err)}")
        if libc.syscall(SYS_RESTRICT_SELF, ctypes.c_int(fd), ctypes.c_uint32(0)) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_restrict_self: {os.strerror(err)}")
    finally:
        os.close(fd)
    applied.filesystem = True
    applied.tcp = applied.abi >= 4
    applied.signals = applied.abi >= 6
    return applied
