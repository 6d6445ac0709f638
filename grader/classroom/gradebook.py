"""REPORT/gradebook.sqlite: every grading of a class, safe against a crash.

Each finished grading is one transaction, keyed by student, exercise, the
submission's content hash and the device, so a run killed at any moment
loses at most the gradings still in flight, and running it again grades only
what is missing. The roster says which submission is *current* for each
student and exercise (a changed file is a new hash: graded again; the old
result stays as history). Every stored result is the full grade-result/1
document; the exercises' titles and points are kept too, so reports can be
rendered from the gradebook alone.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from grader.result import bounded

SCHEMA_VERSION = "1"

TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exercises (
    slug TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL,
    points REAL NOT NULL);
CREATE TABLE IF NOT EXISTS roster (
    student TEXT NOT NULL, exercise TEXT NOT NULL,
    sha256 TEXT,                  -- NULL: the student has no file for this exercise
    device TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student, exercise));
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, file_id TEXT NOT NULL, source TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS results (
    student TEXT NOT NULL, exercise TEXT NOT NULL, sha256 TEXT NOT NULL, device TEXT NOT NULL,
    status TEXT NOT NULL, score REAL NOT NULL, max_score REAL NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]',   -- what the source scan noticed (tampering)
    graded_at REAL NOT NULL, document TEXT NOT NULL,
    PRIMARY KEY (student, exercise, sha256, device));
"""


def _text(text: str) -> str:
    """Valid UTF-8: a file name's undecodable bytes (kept by Python as surrogates) become '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")


class GradebookError(Exception):
    """The gradebook cannot be opened or is not one of ours (exit 2)."""


@dataclass
class Current:
    """One cell of the class: a student's current submission for an exercise."""
    student: str
    exercise: str
    sha256: str | None
    device: str
    note: str
    result: dict | None      # None: missing, or not graded yet
    flags: list


class Gradebook:
    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise GradebookError(f"{self.path}: no gradebook here (run grade class first)")
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(TABLES)
            version = self._meta("schema")
            if version is None:
                self._set_meta("schema", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise GradebookError(f"{self.path}: gradebook version {version}, this grader"
                                     f" reads version {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as e:
            raise GradebookError(f"{self.path}: cannot open the gradebook ({e})") from None

    def close(self) -> None:
        self.db.close()

    # -- small helpers
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str, default=None):
        value = self._meta(key)
        return json.loads(value) if value is not None else default

    def set_meta(self, key: str, value) -> None:
        with self._transaction():
            self._set_meta(key, json.dumps(value, ensure_ascii=False))

    # -- the roster: what this run found in SUBMISSIONS/
    def set_roster(self, course_info: dict, exercises, students, file_ids: dict, device: str) -> None:
        """Record what a run found, in one transaction: the course, the exercises
        graded, every student and their current submission for those exercises."""
        slugs = [ex.slug for ex in exercises]
        taken: dict[str, str] = {}
        for s in students:   # one student, one row, one set of files: never shared
            other = taken.setdefault(file_ids[s.id].lower(), s.id)
            if other != s.id:
                raise GradebookError(f"students {other!r} and {s.id!r} would share the file id"
                                     f" {file_ids[s.id]!r}")
        with self._transaction():
            for key, value in course_info.items():
                self._set_meta(key, json.dumps(value, ensure_ascii=False))
            for ex in exercises:
                self.db.execute(
                    "INSERT OR REPLACE INTO exercises VALUES (?, ?, ?, ?)",
                    (ex.slug, course_info["order"].index(ex.slug) if ex.slug in course_info["order"]
                     else len(course_info["order"]), json.dumps(ex.title, ensure_ascii=False),
                     ex.points))
            present = [s.id for s in students]
            marks = ",".join("?" * len(present))
            # Students no longer in SUBMISSIONS/ leave the class.
            self.db.execute(f"DELETE FROM students WHERE student NOT IN ({marks})", present)
            self.db.execute(f"DELETE FROM roster WHERE student NOT IN ({marks})", present)
            self.db.execute(f"DELETE FROM roster WHERE exercise IN ({','.join('?' * len(slugs))})",
                            slugs)
            for s in students:
                self.db.execute("INSERT OR REPLACE INTO students VALUES (?, ?, ?, ?)",
                                (s.id, file_ids[s.id], s.source,
                                 json.dumps([_text(n) for n in s.notes], ensure_ascii=False)))
                for slug in slugs:
                    sub = s.submissions[slug]
                    self.db.execute("INSERT INTO roster VALUES (?, ?, ?, ?, ?)",
                                    (s.id, slug, sub.sha256, device, _text(sub.note)))

    def has_result(self, student: str, exercise: str, sha256: str, device: str,
                   lang: str | None = None) -> bool:
        """A result of this file on this device (in this language, when `lang` is given:
        its messages are in the language it was graded in)."""
        rows = self.db.execute(
            "SELECT document FROM results WHERE student = ? AND exercise = ? AND sha256 = ?"
            " AND device = ?", (student, exercise, sha256, device)).fetchall()
        if lang is None or not rows:
            return bool(rows)
        try:
            return (json.loads(rows[0][0]).get("lang") or "en") == lang
        except (ValueError, AttributeError):
            return False

    def save(self, student: str, exercise: str, sha256: str, device: str, result: dict,
             flags: list) -> None:
        """One finished grading: one transaction, replacing an earlier one of the same file."""
        result = bounded(result)   # whatever the worker sent: no string of it is unbounded
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (student, exercise, sha256, device, result["status"], float(result["score"]),
                 float(result["max_score"]), json.dumps(flags, ensure_ascii=False), time.time(),
                 json.dumps(result, ensure_ascii=False)))

    def count_results(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    # -- reading the class back
    def exercises(self) -> list[dict]:
        """Every exercise a run has graded: the class's columns, in course order."""
        rows = self.db.execute(
            "SELECT slug, title, points FROM exercises ORDER BY position, slug").fetchall()
        return [{"slug": slug, "title": json.loads(title), "points": points}
                for slug, title, points in rows]

    def students(self) -> list[dict]:
        rows = self.db.execute("SELECT student, file_id, source, notes FROM students"
                               " ORDER BY student").fetchall()
        return [{"id": sid, "file_id": fid, "source": source, "notes": json.loads(notes)}
                for sid, fid, source, notes in rows]

    def current(self, student: str | None = None) -> list[Current]:
        """The current submission of every student (or one) for every exercise."""
        where, args = ("WHERE r.student = ?", (student,)) if student is not None else ("", ())
        rows = self.db.execute(
            "SELECT r.student, r.exercise, r.sha256, r.device, r.note, g.document, g.flags"
            " FROM roster r LEFT JOIN results g ON g.student = r.student"
            " AND g.exercise = r.exercise AND g.sha256 = r.sha256 AND g.device = r.device"
            f" {where} ORDER BY r.student, r.exercise", args).fetchall()
        return [Current(student, exercise, sha, device, note,
                        json.loads(doc) if doc else None, json.loads(flags) if flags else [])
                for student, exercise, sha, device, note, doc, flags in rows]

    # -- transactions
    def _transaction(self):
        return _Transaction(self)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception.

    A failure to write (a full disk, a read-only folder) becomes one
    GradebookError; SQLite's journal keeps every earlier commit intact.
    """

    def __init__(self, book: Gradebook):
        self.book = book
        self.db = book.db

    def _error(self, e: Exception) -> GradebookError:
        return GradebookError(f"{self.book.path}: cannot save ({e}); what was saved before"
                              " is kept")

    def __enter__(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise self._error(e) from None

    def __exit__(self, kind, value, tb):
        error = value if isinstance(value, sqlite3.Error) else None
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as e:
                error = e
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass   # SQLite may have rolled back already (it does on a full disk)
        if error is not None:
            raise self._error(error) from None
        return False
