"""Find a class's submissions: SUBMISSIONS/<student>/<NN_slug>.py or SUBMISSIONS/<student>.zip.

A student id is the folder's name (or the zip's name without `.zip`). A
student may lack some files: those exercises are *missing*, which is a grade
of nothing, not an error. Everything here is read as an attacker could have
laid it out:

- Only regular files are read, opened without following links (O_NOFOLLOW,
  every folder on the way opened the same way, relative to its parent) and
  without blocking (O_NONBLOCK, then fstat: a FIFO, a socket or a device is
  a note, never a hang).
- Folder walks are iterative, breadth first, at most MAX_DEPTH folders deep
  and MAX_ENTRIES entries per student; a walk that was cut says so in a note.
- Files are matched to exercises the way an instructor would
  (grader/matching.py): any case, `04_broadcasting.py`, `04.py`, `4.py`,
  `broadcasting.py`, a notebook (`.ipynb`), at the top or up to two folders
  down (`alice/hw2/04.py`); two candidates for one exercise are a note, and
  a missing exercise of a student who handed in other files says what was
  found and what was expected.
- A zip is never extracted as it says: only the files matched to an
  exercise are read,
  through size and count limits, and written under names we choose, so an
  entry like `../../etc/passwd` or a symbolic link can reach nothing.
- Every student gets a file id (the name of their page, their Gradescope
  folder, their extraction folder) that no other student of the class has,
  also on a case-insensitive disk and also when one name looks like
  another's file id; a student whose name would have collided gets a note.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# The runner refuses larger files (runner.MAX_SOURCE_BYTES; importing it imports torch).
MAX_SOURCE_BYTES = 1024 * 1024
MAX_ZIP_BYTES = 64 * 1024 * 1024        # the archive itself
MAX_ZIP_ENTRIES = 2000                  # entries listed in it
MAX_ZIP_UNPACKED = 256 * 1024 * 1024    # what its entries claim to unpack to, together
MAX_DEPTH = 8                           # folders below a student's folder that are looked into
MAX_ENTRIES = 10_000                    # entries looked at per student folder
GRADED_DEPTH = 3                        # a graded file: at the top, or up to two folders down
IGNORED_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "__pycache__"}

# Opening a file or folder of a submission: never through a link, never blocking.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class SubmissionsError(Exception):
    """The submissions folder itself cannot be used (exit 2)."""


class NotReadable(Exception):
    """A submission's file that is not read: a link, not a regular file, too large, unreadable."""


@dataclass
class Submission:
    student: str
    exercise: str                 # the exercise's slug
    path: Path | None = None      # None: missing
    sha256: str | None = None     # of the file's bytes; None when missing
    note: str = ""                # why it is missing, when there is a reason worth saying

    @property
    def missing(self) -> bool:
        return self.path is None


@dataclass
class Student:
    id: str
    source: str                                   # "folder" or "zip"
    submissions: dict[str, Submission] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    file_id: str = ""                             # unique in the class (file_ids)


# ------------------------------------------------------------------ file ids

def _safe_part(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", student).lstrip(".")[:80] or "student"


def _digest(student: str, length: int = 12) -> str:
    return hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def looks_alike(name: str) -> str:
    """The key under which two names are the same to a person or a case-insensitive disk."""
    return unicodedata.normalize("NFKC", name).casefold()


def file_id(student: str) -> str:
    """A file name for a student id alone: the id itself when it is already safe."""
    safe = _safe_part(student)
    return safe if safe == student else f"{safe}-{_digest(student)}"


def file_ids(students) -> dict[str, str]:
    """Safe file names for every student, distinct by construction, also case-insensitively.

    A name is its own file id when it is safe ([A-Za-z0-9._-]) and no other
    name of the class looks like it (same letters but for case or Unicode
    form). Otherwise the id is the safe part plus a hash of the name; and if
    two ids still meet (a name chosen to look like another's hashed id, say),
    the later one in sorted order gets a number, until every id is unique.
    """
    names = sorted(set(students))
    alike: dict[str, list[str]] = {}
    for name in names:
        alike.setdefault(looks_alike(name), []).append(name)
    ids: dict[str, str] = {}
    taken: set[str] = set()
    # Hashed ids first: a plain name that copies one cannot take it from its owner.
    order = sorted(names, key=lambda n: (file_id(n) == n and len(alike[looks_alike(n)]) == 1, n))
    for name in order:
        wanted = file_id(name)
        if wanted == name and len(alike[looks_alike(name)]) > 1:
            wanted = f"{_safe_part(name)}-{_digest(name)}"
        candidate, number = wanted, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{wanted}-{number}"
        ids[name] = candidate
        taken.add(candidate.lower())
    return ids


def collision_notes(ids: dict[str, str]) -> dict[str, str]:
    """For each student whose file id is not their own name because of another name: why."""
    alike: dict[str, list[str]] = {}
    for name in ids:
        alike.setdefault(looks_alike(name), []).append(name)
    notes = {}
    for name, fid in ids.items():
        others = [n for n in alike[looks_alike(name)] if n != name]
        if others:
            notes[name] = (f"another student's name differs from this one only in case or in how"
                           f" it is written ({', '.join(repr(o) for o in others[:3])}): this"
                           f" student's files are named {fid}")
        elif fid != file_id(name):
            notes[name] = (f"the file name {file_id(name)} was taken by another student's name;"
                           f" this student's files are named {fid}")
    return notes


# ------------------------------------------------------------------ reading safely

def _describe(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def open_regular(name, dir_fd: int | None = None) -> int:
    """An fd of a regular file, opened without following a link and without blocking."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotReadable("it is a symbolic link; it was not read") from None
        if e.errno == errno.ENXIO:      # a socket, or a FIFO no one writes to
            raise NotReadable("it is not a regular file; it was not read") from None
        raise NotReadable(f"cannot read it ({e.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotReadable(f"it is {_describe(mode)}, not a regular file; it was not read")
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_regular(name, dir_fd: int | None = None, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """A regular file's bytes (NotReadable: a link, a FIFO, a device, over `limit` bytes)."""
    fd = open_regular(name, dir_fd)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise NotReadable(f"it is {size:,} bytes, over the {limit:,}-byte limit;"
                              " it was not graded")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:   # it grew while we read
                raise NotReadable(f"it is over the {limit:,}-byte limit; it was not graded")
        return b"".join(chunks)
    except OSError as e:
        raise NotReadable(f"cannot read it ({e.strerror})") from None
    finally:
        os.close(fd)


def _open_dir(parts: tuple[str, ...], root_fd: int) -> int:
    """A folder below root_fd, every step opened without following a link."""
    fd = os.dup(root_fd)
    try:
        for part in parts:
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path) -> str:
    return hashlib.sha256(read_regular(path)).hexdigest()


# ------------------------------------------------------------------ a student's folder

@dataclass
class _Walk:
    """What a bounded walk of a student's folder found."""
    candidates: dict = field(default_factory=dict)   # file name -> [(rel parts, kind)]
    deep: list = field(default_factory=list)         # exercise files found too deep to grade
    present: list = field(default_factory=list)      # every file seen (rel path), for notes
    too_deep: bool = False
    cut: bool = False
    unreadable: list = field(default_factory=list)   # folders that could not be listed


def _walk(root_fd: int, wanted: set[str]) -> _Walk:
    """Breadth first, iterative, at most MAX_DEPTH deep and MAX_ENTRIES entries."""
    found = _Walk()
    queue: deque[tuple[str, ...]] = deque([()])
    seen = 0
    while queue:
        parts = queue.popleft()
        try:
            fd = _open_dir(parts, root_fd)
        except OSError:
            found.unreadable.append("/".join(parts))
            continue
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_ENTRIES:
                        found.cut = True
                        break
                    name = entry.name
                    if name in IGNORED_NAMES or name.startswith("."):
                        continue
                    rel = parts + (name,)
                    try:
                        if entry.is_symlink():
                            kind = "link"
                        elif entry.is_dir(follow_symlinks=False):
                            kind = "dir"
                        elif entry.is_file(follow_symlinks=False):
                            kind = "file"
                        else:
                            kind = "special"
                    except OSError:
                        kind = "special"
                    if kind == "dir":
                        if len(rel) < MAX_DEPTH:
                            queue.append(rel)
                        else:
                            found.too_deep = True
                    else:
                        if len(found.present) < 1000:
                            found.present.append("/".join(rel))
                        if not wanted(name):
                            continue
                        if len(rel) <= GRADED_DEPTH:
                            found.candidates.setdefault(name, []).append((rel, kind))
                        else:
                            found.deep.append("/".join(rel))
        except OSError:
            found.unreadable.append("/".join(parts))
        finally:
            os.close(fd)
        if found.cut:
            break
    return found


def _matcher(slugs: list[str]):
    """A test of a file name: could it be one of these exercises (grader/matching.py)?"""
    from grader.matching import SUFFIXES, exercise_for

    def wanted(name: str) -> bool:
        stem, dot, suffix = name.rpartition(".")
        return bool(dot) and "." + suffix.lower() in SUFFIXES \
            and exercise_for(stem, slugs)[0] is not None
    return wanted


def _match_all(candidates: dict[str, list], slugs: list[str]) -> dict:
    """slug -> ((rel parts, key) or None, note): the best file per exercise, ties reported."""
    from grader.matching import Candidate, match
    flat = [Candidate(PurePosixPath(*rel), key=(rel, key))
            for items in candidates.values() for rel, key in items]
    matches, _unmatched = match(flat, slugs)
    return {slug: (m.chosen.key if m.chosen else None, m.note) for slug, m in matches.items()}


def _missing_note(slug: str, present: list) -> str:
    from grader.matching import missing_note
    return missing_note(slug, present)


def _from_folder(folder: Path, slugs: list[str], student: Student) -> None:
    for slug in slugs:
        student.submissions[slug] = Submission(student.id, slug)
    try:
        root_fd = os.open(folder, _DIR_FLAGS)
    except OSError as e:
        student.notes.append(f"the folder cannot be read ({e.strerror}); nothing in it was graded")
        return
    try:
        walk = _walk(root_fd, _matcher(slugs))
        if walk.cut:
            # The listing order is the disk's: look for the files at the top by name too.
            for slug in slugs:
                name = f"{slug}.py"
                if not any(len(rel) == 1 for rel, _ in walk.candidates.get(name, [])):
                    try:
                        os.stat(name, dir_fd=root_fd, follow_symlinks=False)
                        walk.candidates.setdefault(name, []).insert(0, ((name,), "file"))
                    except OSError:
                        pass
            student.notes.append(f"the folder holds more than {MAX_ENTRIES:,} entries: only the"
                                 f" first {MAX_ENTRIES:,} were looked at")
        if walk.too_deep:
            student.notes.append(f"folders more than {MAX_DEPTH} levels deep were not looked into")
        for where in walk.unreadable[:3]:
            student.notes.append(f"{where or 'the folder'}: cannot be listed; skipped")
        matched = _match_all(walk.candidates, slugs)
        from grader.matching import exercise_for
        for slug in slugs:
            picked, note = matched[slug]
            sub = student.submissions[slug]
            if picked is None:
                deep = [d for d in walk.deep
                        if exercise_for(PurePosixPath(d).stem, slugs)[0] == slug]
                if deep:
                    sub.note = (f"{deep[0]} is too deep to be graded: put it at the top of"
                                " the folder, or at most two folders down")
                elif walk.present:
                    sub.note = _missing_note(slug, walk.present)
                if sub.note:
                    student.notes.append(f"{slug}: {sub.note}")
                continue
            rel, kind = picked
            shown = "/".join(rel)
            try:
                if kind == "link":
                    raise NotReadable("it is a symbolic link; it was not graded")
                dir_fd = _open_dir(rel[:-1], root_fd)
                try:
                    data = read_regular(rel[-1], dir_fd)
                finally:
                    os.close(dir_fd)
            except NotReadable as e:
                sub.note = f"{shown}: {e}"
            except OSError as e:   # a folder on the way became a link, or vanished
                sub.note = f"{shown}: cannot read it ({e.strerror})"
            else:
                sub.path = folder.joinpath(*rel)
                sub.sha256 = hashlib.sha256(data).hexdigest()
                sub.note = note
            if sub.note:
                student.notes.append(f"{slug}: {sub.note}")
    finally:
        os.close(root_fd)


# ------------------------------------------------------------------ a student's zip

def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, or None when it unpacks to more than `limit` (whatever it claims)."""
    out = bytearray()
    with archive.open(info) as f:
        while chunk := f.read(1 << 16):
            out += chunk
            if len(out) > limit:
                return None
    return bytes(out)


def _usable_relative(parts: tuple[str, ...]) -> bool:
    return len(parts) <= GRADED_DEPTH and not any(p in IGNORED_NAMES or p.startswith(".")
                                                  for p in parts)


def _from_zip(zpath: Path, slugs: list[str], student: Student, extract_to: Path) -> None:
    for slug in slugs:
        student.submissions[slug] = Submission(student.id, slug)
    name = zpath.name
    try:
        fd = open_regular(zpath)
    except NotReadable as e:
        student.notes.append(f"{name}: {e}")
        return
    try:
        size = os.fstat(fd).st_size
        if size > MAX_ZIP_BYTES:
            student.notes.append(f"{name} is {size:,} bytes, over the {MAX_ZIP_BYTES:,}-byte"
                                 " limit; nothing in it was graded")
            return
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as stream, zipfile.ZipFile(stream) as archive:
            _from_archive(archive, name, slugs, student, extract_to)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError, RuntimeError) as e:
        for sub in student.submissions.values():
            sub.path = sub.sha256 = None
        student.notes.append(f"{name} is not a readable zip archive ({e}); nothing in it"
                             " was graded")
    except (OSError, zipfile.error) as e:
        for sub in student.submissions.values():
            sub.path = sub.sha256 = None
        student.notes.append(f"{name} cannot be read ({getattr(e, 'strerror', None) or e});"
                             " nothing in it was graded")
    finally:
        os.close(fd)


def _from_archive(archive: zipfile.ZipFile, name: str, slugs: list[str], student: Student,
                  extract_to: Path) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        student.notes.append(f"{name} holds {len(entries):,} entries, over the"
                             f" {MAX_ZIP_ENTRIES:,} limit; nothing in it was graded")
        return
    if sum(i.file_size for i in entries) > MAX_ZIP_UNPACKED:
        student.notes.append(f"{name} would unpack to more than {MAX_ZIP_UNPACKED:,}"
                             " bytes; nothing in it was graded")
        return
    candidates: dict[str, list] = {}
    unsafe = []
    present = []
    wanted = _matcher(slugs)
    for info in entries:
        raw = info.filename.replace("\\", "/")
        rel = PurePosixPath(raw)
        if raw.startswith("/") or ".." in rel.parts or re.match(r"^[A-Za-z]:", raw):
            unsafe.append(info.filename)
            continue
        if info.is_dir():
            continue
        if not any(p in IGNORED_NAMES or p.startswith(".") for p in rel.parts):
            present.append(raw)
        if not _usable_relative(rel.parts):
            continue
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind and kind != stat.S_IFREG:        # a link, a FIFO, a device: never extracted
            if rel.suffix.lower() in (".py", ".ipynb"):
                unsafe.append(info.filename)
            continue
        if wanted(rel.name):
            candidates.setdefault(rel.name, []).append((rel.parts, info))
    if unsafe:
        shown = ", ".join(repr(u) for u in unsafe[:3])
        student.notes.append(f"{name}: ignored {len(unsafe)} entr{'y' if len(unsafe) == 1 else 'ies'}"
                             f" that point outside the archive or are links ({shown})")
    matched = _match_all(candidates, slugs)
    for slug in slugs:
        picked, note = matched[slug]
        sub = student.submissions[slug]
        if picked is None:
            if present:
                sub.note = f"{name}: {_missing_note(slug, present)}"
                student.notes.append(f"{slug}: {sub.note}")
            continue
        info = picked[1]
        if info.flag_bits & 0x1:
            sub.note = f"{name}: {info.filename} is encrypted; it was not graded"
            student.notes.append(f"{slug}: {sub.note}")
            continue
        data = _read_member(archive, info, MAX_SOURCE_BYTES)
        if data is None:
            sub.note = (f"{name}: {info.filename} unpacks to more than"
                        f" {MAX_SOURCE_BYTES:,} bytes; it was not graded")
            student.notes.append(f"{slug}: {sub.note}")
            continue
        # Named by us: the exercise's slug, with the suffix that says how to read it.
        target = extract_to / (slug + (".ipynb" if info.filename.lower().endswith(".ipynb")
                                       else ".py"))
        try:
            extract_to.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as e:   # our disk, not the archive: stop the run
            raise SubmissionsError(f"{target}: cannot write it ({e.strerror})") from None
        sub.path = target
        sub.sha256 = hashlib.sha256(data).hexdigest()
        if note:
            sub.note = note
            student.notes.append(f"{slug}: {name}: {note}")


# ------------------------------------------------------------------ the class

def _utf8(name: str) -> bool:
    """False for a file name that is not valid UTF-8 (Python keeps such bytes as surrogates)."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _printable(name: str) -> str:
    return name.encode("utf-8", "replace").decode("utf-8")


def discover(root: Path, slugs: list[str], extract_root: Path) -> tuple[list[Student], list[str]]:
    """Every student under `root`, with a Submission per exercise slug and a unique
    file id; and notes about entries of `root` that are not submissions."""
    root = Path(root)
    try:
        root_fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            raise SubmissionsError(f"{root}: not a folder of submissions") from None
        raise SubmissionsError(f"{root}: cannot list it ({e.strerror})") from None
    try:
        kinds: dict[str, str] = {}
        with os.scandir(root_fd) as entries:
            for entry in entries:
                try:
                    if entry.is_symlink():
                        kinds[entry.name] = "link"
                    elif entry.is_dir(follow_symlinks=False):
                        kinds[entry.name] = "dir"
                    elif entry.is_file(follow_symlinks=False):
                        kinds[entry.name] = "file"
                    else:
                        kinds[entry.name] = "special"
                except OSError:
                    kinds[entry.name] = "special"
    except OSError as e:
        raise SubmissionsError(f"{root}: cannot list it ({e.strerror})") from None
    finally:
        os.close(root_fd)

    ignored: list[str] = []
    chosen: dict[str, tuple[str, str]] = {}     # student id -> (entry name, "folder" | "zip")
    for name in sorted(kinds):
        kind = kinds[name]
        if name.startswith(".") or name in IGNORED_NAMES:
            continue
        if not _utf8(name):
            ignored.append(f"{_printable(name)}: the name is not valid UTF-8; rename it to grade it")
        elif kind == "link":
            ignored.append(f"{name}: a symbolic link; ignored")
        elif kind == "dir":
            chosen[name] = (name, "folder")
        elif kind == "file" and name.lower().endswith(".zip"):
            if not name[:-4]:
                ignored.append(f"{name}: a zip needs a student name; ignored")
        elif kind == "special":
            ignored.append(f"{name}: not a regular file or a folder (a pipe, a socket or a"
                           " device); ignored")
        else:
            ignored.append(f"{name}: not a student folder or .zip; ignored")
    for name in sorted(kinds):
        if kinds[name] != "file" or not name.lower().endswith(".zip") or not _utf8(name) \
                or not name[:-4] or name.startswith("."):
            continue
        sid = name[:-4]
        if sid in chosen:
            # Same student id twice: the folder (or the first zip) is graded, this zip
            # is not, and both the class report and the student's page say so.
            graded = chosen[sid][0] + ("/" if chosen[sid][1] == "folder" else "")
            ignored.append(f"{name}: not graded, because {graded} (the same student, {sid})"
                           " is graded")
            chosen[sid] = chosen[sid] + (f"{name} was not graded: {graded} is graded instead",)
            continue
        chosen[sid] = (name, "zip")

    ids = file_ids(chosen)
    collisions = collision_notes(ids)
    students: list[Student] = []
    for sid in sorted(chosen):
        entry, source, *extra = chosen[sid]
        student = Student(sid, source, file_id=ids[sid])
        if source == "folder":
            _from_folder(root / entry, slugs, student)
        else:
            _from_zip(root / entry, slugs, student, Path(extract_root) / ids[sid])
        student.notes[:0] = list(extra) + ([collisions[sid]] if sid in collisions else [])
        students.append(student)
    return students, ignored
