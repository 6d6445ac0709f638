"""Operating-system confinement of the student process.

Applied in the jail right after fork, before the student's file is imported,
in this order (each step needs what the previous ones still allow):

1. resource limits: CPU seconds, address space (not the data segment: a
   shared mmap bypasses RLIMIT_DATA), file size, open files, no core dumps,
   and where the exercise allows processes, a process count;
2. namespaces, where the kernel lets us make them (root, or an unprivileged
   user namespace): a network namespace with nothing in it, and a private
   mount namespace whose scratch directory is a small tmpfs, so a student
   cannot fill the grader's disk; where the exercise allows processes (and
   so AF_UNIX sockets), a whole private root holding only what the jail may
   use, so no socket file of the machine is within reach;
3. every capability dropped (it matters when the grader runs as root, for
   instance in a container: root without capabilities cannot raise its own
   limits, kill other users' processes or mount anything);
4. Landlock (landlock.py): read only the Python installation and the one
   student file, write only the scratch directory; no TCP; no signals out;
5. seccomp (seccomp.py): no new processes, exec, sockets, ptrace,
   namespaces, io_uring, or raised limits; threads still work.

What was applied is reported back (the result's `sandbox` field) so a report
can say when confinement was partial; `missing_protections()` answers the
same question cheaply before anything runs, for `grade class`.
"""

from __future__ import annotations

import ctypes
import os
import site
import sys
import tempfile
from pathlib import Path

try:
    import resource
except ImportError:  # not POSIX
    resource = None

from grader.jail import landlock, seccomp

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
MS_RDONLY, MS_REMOUNT, MS_BIND = 1, 32, 4096
MNT_DETACH = 2
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}  # no glibc wrapper: the raw system call
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522

SCRATCH_MB = 64  # the scratch tmpfs: at least this, or four files of the file-size limit
PROCESS_LIMIT = 64  # extra processes an exercise with allow_processes may have at once

# The protections a jail must have to be called confined. "landlock-tcp" and
# "landlock-signals" matter only where processes (and so AF_UNIX sockets and
# signals to children) are allowed: otherwise seccomp alone already refuses
# every socket and every signal to another process.
ESSENTIAL = ("rlimits", "landlock", "seccomp")
ESSENTIAL_WITH_PROCESSES = ESSENTIAL + ("landlock-tcp", "landlock-signals", "process-limit",
                                        "private-root")


# ------------------------------------------------------------------ probes

def _is_linux() -> bool:
    return hasattr(os, "uname") and os.uname().sysname == "Linux"


def missing_protections(allow_processes: bool = False) -> list[str]:
    """The essential protections this machine cannot give a jail.

    Cheap: no jail is started (Landlock's ABI version and seccomp's mode are
    asked of the kernel; with `allow_processes`, one short fork tries the
    namespaces). An empty list means a jail here is fully confined. `grade
    class` refuses to run when it is not empty, unless told `--allow-unconfined`.
    """
    have = set()
    if resource is not None:
        have.add("rlimits")
    abi = landlock.abi_version()
    if abi >= 1:
        have.add("landlock")
    if abi >= 4:
        have.add("landlock-tcp")
    if abi >= 6:
        have.add("landlock-signals")
    if seccomp.supported():
        have.add("seccomp")
    if allow_processes:  # the probes below fork; only ask when it matters
        if _process_limit_possible():
            have.add("process-limit")
        if _namespaces_possible():
            have.add("private-root")
    wanted = ESSENTIAL_WITH_PROCESSES if allow_processes else ESSENTIAL
    return [name for name in wanted if name not in have]


def _namespaces_possible() -> bool:
    """Whether a jail here can make its mount and network namespaces (tried in a child)."""
    if not _is_linux():
        return False
    pid = os.fork()
    if pid == 0:
        ok = False
        try:
            libc = _libc()
            flags = CLONE_NEWNET | CLONE_NEWNS
            ok = libc.unshare(flags) == 0 or libc.unshare(CLONE_NEWUSER | flags) == 0
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _process_limit_possible() -> bool:
    if resource is None:
        return False
    if os.geteuid() != 0:
        return True  # RLIMIT_NPROC binds every user but root
    return _pids_cgroup_root() is not None


# ------------------------------------------------------------------ 1. limits

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


def _pids_cgroup_root() -> Path | None:
    """A writable pids-controller directory (cgroup v1), for root only.

    Not yet cgroup v2: there a child group needs the pids controller enabled
    in its parent, which a container's leaf group usually cannot do.
    """
    base = Path("/sys/fs/cgroup/pids")
    if os.geteuid() == 0 and (base / "cgroup.procs").exists() and os.access(base, os.W_OK):
        return base
    return None


def _count_threads() -> int:
    """Threads on the whole machine: an upper bound on this user's (from /proc/loadavg)."""
    with open("/proc/loadavg") as f:
        return int(f.read().split()[3].split("/")[1])


def limit_processes() -> str:
    """Bound how many processes the jail can have at once (exercises with allow_processes).

    RLIMIT_NPROC counts every process of the user and is ignored for root;
    root gets a pids cgroup of its own instead.
    """
    if os.geteuid() != 0:
        _set_limit(resource.RLIMIT_NPROC, _count_threads() + PROCESS_LIMIT)
        return "nproc"
    base = _pids_cgroup_root()
    if base is None:
        raise OSError("no pids cgroup to limit processes with, and root ignores RLIMIT_NPROC")
    for stale in base.glob("drill-jail-*"):
        try:
            stale.rmdir()  # only succeeds once the jail that made it is gone
        except OSError:
            pass
    group = base / f"drill-jail-{os.getpid()}"
    group.mkdir(exist_ok=True)
    (group / "pids.max").write_text(str(PROCESS_LIMIT))
    (group / "cgroup.procs").write_text("0")
    return "pids-cgroup"


# ------------------------------------------------------------------ 2. namespaces

def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def enter_namespaces() -> None:
    """A fresh network namespace (nothing to connect to) and a private mount namespace.

    Root can make them directly; anyone else through a user namespace (where
    the distribution allows those).
    """
    libc = _libc()
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNET | CLONE_NEWNS
    if libc.unshare(flags) != 0:
        _check(libc.unshare(CLONE_NEWUSER | flags), "unshare")
        # Map ourselves, or files we create would belong to nobody.
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    # Our mounts must not propagate back to the machine's namespace.
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate")


def _mount(source, target: str, fstype, flags: int, options: str | None = None) -> None:
    _check(_libc().mount(source.encode() if isinstance(source, str) else source,
                         target.encode(), fstype, flags,
                         options.encode() if options else None), f"mount {target}")


def private_root(scratch: str, read: list[str], write: list[str], scratch_mb: int,
                 shm_mb: int) -> None:
    """Make the jail's whole file system a view of only what it may use (processes allowed).

    Where processes are allowed, so are AF_UNIX sockets (multiprocessing needs
    them), and Landlock does not stop connect() to a socket file that already
    exists: a Docker or database socket would be in reach. So the jail gets a
    new root, a tmpfs with bind mounts of the paths it may read (read-only),
    the files it may write, its own scratch and /dev/shm, and pivots into it:
    no other socket file exists there. Needs a mount namespace (enter_namespaces).
    """
    new_root = scratch  # the folder the zygote made for this jail: ours, empty
    _mount(b"tmpfs", new_root, b"tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for name, target in ROOT_LINKS.items():
        os.symlink(target, f"{new_root}/{name}")

    def place(path: str, writable: bool) -> None:
        real = os.path.realpath(path)
        inside = new_root + real
        if not os.path.exists(real) or os.path.lexists(inside):
            return  # missing, or already visible through a folder bound before it
        if os.path.isdir(real):
            os.makedirs(inside, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(inside), exist_ok=True)
            open(inside, "a").close()
        _mount(real, inside, None, MS_BIND | MS_REC)
        if not writable:
            _mount(None, inside, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        alias = new_root + os.path.abspath(path)
        if real != os.path.abspath(path) and not os.path.lexists(alias):
            os.makedirs(os.path.dirname(alias), exist_ok=True)
            os.symlink(real, alias)

    for path in sorted(read, key=len):  # folders before what they contain
        place(path, writable=False)
    for path in write:
        if path != scratch:
            place(path, writable=True)
    for folder, megabytes, mode in ((scratch, scratch_mb, "0700"), ("/dev/shm", shm_mb, "1777")):
        os.makedirs(new_root + folder, exist_ok=True)
        _mount(b"tmpfs", new_root + folder, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
               f"size={megabytes}m,nr_inodes=4096,mode={mode},uid={os.geteuid()},gid={os.getegid()}")
    os.makedirs(new_root + "/.old")
    _check(_libc().syscall(PIVOT_ROOT[seccomp.machine()], new_root.encode(),
                           (new_root + "/.old").encode()), "pivot_root")
    os.chdir("/")
    _check(_libc().umount2(b"/.old", MNT_DETACH), "umount the old root")
    os.rmdir("/.old")
    os.chdir(scratch)


def mount_scratch(scratch: str, megabytes: int) -> None:
    """Put a small tmpfs over the scratch directory (in our mount namespace only)."""
    uid, gid = os.geteuid(), os.getegid()
    options = f"size={megabytes}m,nr_inodes=4096,mode=0700,uid={uid},gid={gid}".encode()
    _check(_libc().mount(b"tmpfs", scratch.encode(), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                         options), "mount tmpfs")
    os.chdir(scratch)  # the old working directory is the folder under the mount


# ------------------------------------------------------------------ 3. capabilities

def _last_capability() -> int:
    try:
        return int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        return 63


LAST_CAPABILITY = _last_capability()  # read once, in the zygote


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> bool:
    """Give up every capability for good. Returns False if there were none to drop."""
    libc = _libc()
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(libc.capget(ctypes.byref(header), data), "capget")
    if not any(d.effective or d.permitted or d.inheritable for d in data):
        return False
    for cap in range(LAST_CAPABILITY + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # needs CAP_SETPCAP: before capset
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    empty = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), empty), "capset")
    return True


# ------------------------------------------------------------------ 4. allow-lists

def _package_dir(name: str) -> list[str]:
    module = sys.modules.get(name)
    file = getattr(module, "__file__", None)
    return [str(Path(file).resolve().parent)] if file else []


def _python_read_paths() -> list[str]:
    """What a running Python with torch and numpy reads after import.

    Computed once, in the zygote: in a freshly forked jail every first touch
    of memory is a copy-on-write fault, so the less work there, the better.
    """
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    try:
        paths.update(site.getsitepackages())
        paths.add(site.getusersitepackages())
    except AttributeError:  # an old virtualenv's site module
        pass
    for name in ("torch", "numpy", "grader"):
        paths.update(_package_dir(name))
    # Shared libraries loaded lazily, the dynamic loader's cache, time zones,
    # and the few devices and /proc files numerical code reads.
    paths.update(["/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib",
                  "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo",
                  "/dev/urandom", "/dev/random", "/dev/zero",
                  "/proc/cpuinfo", "/proc/meminfo", "/sys/devices/system/cpu"])
    return sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)})


PYTHON_READ_PATHS = _python_read_paths()
# Top-level symbolic links (/lib -> usr/lib on merged-/usr systems): a private
# root (below) recreates them, or paths from the loader's cache would not resolve.
ROOT_LINKS = {name: os.readlink("/" + name) for name in sorted(os.listdir("/"))
              if os.path.islink("/" + name)} if os.path.isdir("/") else {}
CUDA_DEVICE_PATHS = ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
                     "/dev/nvidia-modeset"] + [f"/dev/nvidia{i}" for i in range(16)]
CUDA_READ_PATHS = ["/proc/driver/nvidia", "/sys/bus/pci", "/sys/devices"]


def _contains(folder: str, path: str) -> bool:
    """Whether `path` is `folder` or lies under it (both already resolved)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def read_paths(config: dict) -> tuple[list[str], list[str]]:
    """(paths the jail may read, paths left out because they would expose the course).

    `config["protect"]`: resolved folders the jail must never read, such as
    the course (solutions, hidden checks). A Python installed inside the
    course folder is fine; a folder that contains the course is not.
    """
    protect = [p for p in config.get("protect", []) if p]
    allowed, refused = [], []
    for path in PYTHON_READ_PATHS + (CUDA_READ_PATHS if _cuda(config) else []):
        if any(_contains(path, p) for p in protect):
            refused.append(path)
        else:
            allowed.append(path)
    allowed.append("/proc/self")  # opened in the jail: only our own /proc/<pid>
    allowed.append(config["path"])  # the one student file, not its folder
    if config.get("deny_read"):
        allowed = carve(allowed, config["deny_read"])
    return allowed, refused


def carve(allowed: list[str], denied: list[str], depth: int = 12) -> list[str]:
    """`allowed` with every path of `denied` cut out of it.

    Landlock only ever adds rights: a folder on the list grants everything
    under it. So a folder that holds a denied path (the virtual environment,
    site-packages, around torch's installation) is replaced by its entries,
    down to the denied path, which is left out; links are followed and cut
    the same way.
    """
    denied = sorted({os.path.realpath(d) for d in denied if d})
    out: list[str] = []
    seen: set[str] = set()

    def add(path: str, level: int) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        seen.add(real)
        if any(_contains(d, real) for d in denied):
            return  # a denied path or inside one
        if not any(_contains(real, d) for d in denied) or level >= depth or \
                not os.path.isdir(real):
            out.append(real)
            return
        try:
            entries = sorted(os.listdir(real))
        except OSError:
            return
        for name in entries:
            add(os.path.join(real, name), level + 1)

    for path in allowed:
        add(path, 0)
    return out


def _cuda(config: dict) -> bool:
    return config.get("device", "cpu") != "cpu"


def allow_lists(config: dict, scratch: str) -> tuple[list[str], list[str], list[str]]:
    """(paths to read, paths to write, paths refused because they would expose the course)."""
    read, refused = read_paths(config)
    write = [scratch, "/dev/null"]
    if config.get("allow_processes"):
        write.append("/dev/shm")  # multiprocessing's semaphores and shared tensors
    if _cuda(config):
        write += CUDA_DEVICE_PATHS
    return read, write, refused


def apply_landlock(config: dict, scratch: str) -> tuple[landlock.Applied, list[str]]:
    read, write, refused = allow_lists(config, scratch)
    extra = landlock.FS_MAKE_SOCK if config.get("allow_processes") else 0  # multiprocessing's listener
    if _cuda(config):
        extra |= landlock.FS_IOCTL_DEV
    return landlock.restrict(read, write, extra_write_rights=extra), refused


# ------------------------------------------------------------------ all of it

def apply(config: dict, scratch: str) -> dict:
    """Confine this process. Returns what was applied, for the result."""
    active: list[str] = []
    errors: list[str] = []
    report = {"active": active, "missing": [], "rlimits": [], "landlock_abi": 0,
              "processes": bool(config.get("allow_processes")), "errors": errors}
    allow_processes = report["processes"]
    wanted = ESSENTIAL_WITH_PROCESSES if allow_processes else ESSENTIAL
    if "torch" in (config.get("block_imports") or []):
        # torch must not be reachable at all: a jail that never loaded it (fresh.py).
        wanted = wanted + ("torch-free",)
        if config.get("fresh_process"):
            active.append("torch-free")
        else:
            errors.append("torch-free: the jail could not start a fresh interpreter"
                          + (f" ({config['fresh_process_error']})"
                             if config.get("fresh_process_error") else "")
                          + "; torch is in its memory, only its files are refused")
    if config.get("deny_read"):
        report["denied_paths"] = list(config["deny_read"])

    def step(name, fn):
        try:
            return fn()
        except (OSError, ValueError, AttributeError) as e:
            errors.append(f"{name}: {e}")
            return None

    # The scratch directory is the only writable place. tempfile caches its
    # answer, and the zygote may already have asked (inheriting "/tmp").
    tempfile.tempdir = scratch
    limits = config.get("limits", {})
    if resource is not None:
        rl = step("rlimits", lambda: apply_rlimits(limits, _cuda(config)))
        if rl:
            report["rlimits"] = rl
            active.append("rlimits")
    if not _is_linux():
        errors.append(f"no Landlock, seccomp or namespaces on {sys.platform}")
        report["missing"] = [name for name in wanted if name not in active]
        return report
    if allow_processes:
        how = step("process-limit", limit_processes)
        if how:
            active.append("process-limit")
            report["rlimits"].append(f"processes<={PROCESS_LIMIT} ({how})")
    if step("namespaces", lambda: enter_namespaces() or True):
        active.append("network-namespace")
        # Room for a few files of the largest size allowed, and no more.
        size_mb = max(SCRATCH_MB, 4 * int(limits.get("file_mb", 16)))
        if allow_processes:
            read, write, _ = allow_lists(config, scratch)
            shm_mb = int(limits.get("memory_mb", 2560)) // 2
            if step("private root", lambda: private_root(scratch, read, write, size_mb,
                                                         shm_mb) or True):
                active += ["private-root", "scratch-tmpfs"]
        elif step("scratch", lambda: mount_scratch(scratch, size_mb) or True):
            active.append("scratch-tmpfs")
    if step("capabilities", drop_capabilities):
        active.append("capabilities-dropped")
    ll = step("landlock", lambda: apply_landlock(config, scratch))
    if ll:
        applied, refused = ll
        report["landlock_abi"] = applied.abi
        if refused:
            report["landlock_refused_paths"] = refused
        if applied.filesystem:
            active.append("landlock")
        if applied.tcp:
            active.append("landlock-tcp")
        if applied.signals:
            active.append("landlock-signals")
    if seccomp.supported() and step("seccomp", lambda: seccomp.install(allow_processes) or True):
        active.append("seccomp")
    report["missing"] = [name for name in wanted if name not in active]
    return report
