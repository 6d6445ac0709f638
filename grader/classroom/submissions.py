"""Find a class's submissions: SUBMISSIONS/<student>/<NN_slug>.py or SUBMISSIONS/<student>.zip.

A student id is the folder's name (or the zip's name without `.zip`). A
student may lack some files: those exercises are *missing*, which is a grade
of nothing, not an error. A zip is never extracted as it says: only the files
named like an exercise (`04_broadcasting.py`, at the top or one folder down)
are read, through size and count limits, and written under names we choose,
so an entry like `../../etc/passwd` or a symbolic link can reach nothing.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# The runner refuses larger files (runner.MAX_SOURCE_BYTES; importing it imports torch).
MAX_SOURCE_BYTES = 1024 * 1024
MAX_ZIP_BYTES = 64 * 1024 * 1024        # the archive itself
MAX_ZIP_ENTRIES = 2000                  # entries listed in it
MAX_ZIP_UNPACKED = 256 * 1024 * 1024    # what its entries claim to unpack to, together
IGNORED_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "__pycache__"}


class SubmissionsError(Exception):
    """The submissions folder itself cannot be used (exit 2)."""


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


def file_id(student: str) -> str:
    """A file name for a student id: the id itself when it is already safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", student).lstrip(".")[:80] or "student"
    if safe != student:
        safe += "-" + hashlib.sha256(student.encode()).hexdigest()[:8]
    return safe


def file_ids(students) -> dict[str, str]:
    """Safe, distinct file names for every student, also on case-insensitive disks."""
    ids = {s: file_id(s) for s in students}
    seen: dict[str, list[str]] = {}
    for student, name in ids.items():
        seen.setdefault(name.lower(), []).append(student)
    for clash in (group for group in seen.values() if len(group) > 1):
        for student in clash:
            ids[student] = (re.sub(r"[^A-Za-z0-9._-]", "_", student).lstrip(".")[:80] or "student") \
                + "-" + hashlib.sha256(student.encode()).hexdigest()[:8]
    return ids


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _pick(candidates: dict[str, list], slug: str):
    """The file for an exercise: at the top beats one folder down; ties are reported."""
    found = sorted(candidates.get(slug + ".py", []), key=lambda c: (len(c[0].parts), str(c[0])))
    if not found:
        return None, ""
    note = ""
    if len(found) > 1:
        note = (f"{len(found)} files are named {slug}.py; graded {found[0][0]}"
                f" (also: {', '.join(str(c[0]) for c in found[1:3])})")
    return found[0][1], note


def _usable_relative(parts: tuple[str, ...]) -> bool:
    return len(parts) <= 2 and not any(p in IGNORED_NAMES or p.startswith(".") for p in parts)


def _from_folder(folder: Path, slugs: list[str], student: Student) -> None:
    candidates: dict[str, list] = {}
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder)
        if not _usable_relative(rel.parts):
            continue
        candidates.setdefault(rel.name, []).append((rel, path))
    for slug in slugs:
        path, note = _pick(candidates, slug)
        sub = Submission(student.id, slug)
        if path is not None and path.is_symlink():
            sub.note = f"{path.relative_to(folder)} is a symbolic link; it was not graded"
        elif path is not None:
            try:
                sub.sha256 = sha256_of(path)
                sub.path = path
                sub.note = note
            except OSError as e:
                sub.note = f"{path.relative_to(folder)}: cannot read it ({e.strerror})"
        if sub.note:
            student.notes.append(f"{slug}: {sub.note}")
        student.submissions[slug] = sub


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, or None when it unpacks to more than `limit` (whatever it claims)."""
    out = bytearray()
    with archive.open(info) as f:
        while chunk := f.read(1 << 16):
            out += chunk
            if len(out) > limit:
                return None
    return bytes(out)


def _from_zip(zpath: Path, slugs: list[str], student: Student, extract_to: Path) -> None:
    for slug in slugs:
        student.submissions[slug] = Submission(student.id, slug)
    name = zpath.name
    try:
        size = zpath.stat().st_size
        if size > MAX_ZIP_BYTES:
            student.notes.append(f"{name} is {size:,} bytes, over the {MAX_ZIP_BYTES:,}-byte"
                                 " limit; nothing in it was graded")
            return
        with zipfile.ZipFile(zpath) as archive:
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
            for info in entries:
                raw = info.filename.replace("\\", "/")
                rel = PurePosixPath(raw)
                if raw.startswith("/") or ".." in rel.parts or re.match(r"^[A-Za-z]:", raw):
                    unsafe.append(info.filename)
                    continue
                if info.is_dir() or not _usable_relative(rel.parts):
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    if rel.suffix == ".py":
                        unsafe.append(info.filename)
                    continue
                candidates.setdefault(rel.name, []).append((rel, info))
            if unsafe:
                shown = ", ".join(repr(u) for u in unsafe[:3])
                student.notes.append(f"{name}: ignored {len(unsafe)} entr{'y' if len(unsafe) == 1 else 'ies'}"
                                     f" that point outside the archive or are links ({shown})")
            for slug in slugs:
                info, note = _pick(candidates, slug)
                if info is None:
                    continue
                sub = student.submissions[slug]
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
                target = extract_to / f"{slug}.py"
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


def _utf8(name: str) -> bool:
    """False for a file name that is not valid UTF-8 (Python keeps such bytes as surrogates)."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def discover(root: Path, slugs: list[str], extract_root: Path) -> tuple[list[Student], list[str]]:
    """Every student under `root`, with a Submission per exercise slug; and notes
    about entries of `root` that are not submissions."""
    root = Path(root)
    if not root.is_dir():
        raise SubmissionsError(f"{root}: not a folder of submissions")
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise SubmissionsError(f"{root}: cannot list it ({e.strerror})") from None
    folders = {p.name for p in entries if p.is_dir() and not p.is_symlink()}
    ids = file_ids(sorted({p.name for p in entries if p.is_dir() and _utf8(p.name)}
                          | {p.name[:-4] for p in entries
                             if p.name.lower().endswith(".zip") and _utf8(p.name)}))
    students: list[Student] = []
    ignored: list[str] = []
    for entry in entries:
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
            continue
        if not _utf8(entry.name):
            ignored.append(f"{entry.name.encode('utf-8', 'replace').decode()}: the name is not"
                           " valid UTF-8; rename it to grade it")
            continue
        if entry.is_symlink():
            ignored.append(f"{entry.name}: a symbolic link; ignored")
        elif entry.is_dir():
            student = Student(entry.name, "folder")
            _from_folder(entry, slugs, student)
            students.append(student)
        elif entry.name.lower().endswith(".zip") and entry.is_file():
            sid = entry.name[:-4]
            if sid in folders:
                ignored.append(f"{entry.name}: ignored, because the folder {sid}/ is graded")
                continue
            if not sid:
                ignored.append(f"{entry.name}: a zip needs a student name; ignored")
                continue
            student = Student(sid, "zip")
            _from_zip(entry, slugs, student, Path(extract_root) / ids[sid])
            students.append(student)
        else:
            ignored.append(f"{entry.name}: not a student folder or .zip; ignored")
    students.sort(key=lambda s: s.id)
    return students, ignored
