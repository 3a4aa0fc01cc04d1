"""nbgrader's exchange, made safe for a cohort of real users (a JupyterHub on one machine).

`PrivateCollect` is nbgrader's own collect step with three changes:

* **Links stay links.** nbgrader's collect copies each submission out of the exchange with
  `shutil.copytree`, which follows symbolic links with the trainer's rights: a link a trainee
  left in the inbound folder (to the trainer's solutions, or to another trainee's work) would
  arrive in submitted/ as an ordinary copy of what it points to. Links are copied as links, so
  the autograde check refuses them by name ("not graded: the notebook is a symbolic link"),
  and named pipes and devices are left out (they cannot be copied, and reading one would never
  end).

* **Collected submissions belong to the trainer alone.** nbgrader's submit makes each
  submission folder in the exchange mode 777, and collect copies that mode into
  `submitted/<trainee>/<assessment>/`, so anyone who can reach the course folder could change
  a collected submission. After copying, folders become 700 and files 600.
* **A trainee cannot submit in another trainee's name** (with `require_owner`, set on a hub
  where every trainee is a separate system user). The exchange's inbound folder is writable by
  everyone, and nbgrader only warns when a submission is filed under a name that is not its
  owner's. Such a submission is not collected; the trainer is told which file and why.

Use it in nbgrader_config.py:

    c.ExchangeFactory.collect = "safeguarding_course.exchange.PrivateCollect"
    c.PrivateCollect.require_owner = True   # only where trainees are separate system users
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import ignore_patterns
from traitlets import Bool, Dict

PRIVATE_DIR = stat.S_IRWXU  # 700
PRIVATE_FILE = stat.S_IRUSR | stat.S_IWUSR  # 600


def owner_of(path: str, names: dict | None = None) -> str:
    """The name of the user who owns `path`: from `names` (uid -> name) if it has the uid,
    else the system's user list, else "uid N"."""
    uid = os.lstat(path).st_uid
    if names and str(uid) in {str(k) for k in names}:
        return {str(k): v for k, v in names.items()}[str(uid)]
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def make_private(folder: str) -> None:
    """Owner-only modes for a folder and everything in it (symlinks are left alone)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, PRIVATE_DIR)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, PRIVATE_FILE)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]


class CourseCollect(ExchangeCollect):
    """nbgrader's collect, copying links as links and leaving out pipes and devices."""

    def do_copy(self, src, dest, log=None):
        size = self.get_size(src)  # nbgrader's own size check (links are not counted)
        if size > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError(f"Directory size is too big. Size is {size}")
        nbgrader_ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )

        def ignore(folder, names):
            left_out = set(nbgrader_ignore(folder, names))
            for name in names:
                mode = os.lstat(os.path.join(folder, name)).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                    self.log.warning("Not collected (not an ordinary file): %s", name)
                    left_out.add(name)
            return left_out

        shutil.copytree(src, dest, symlinks=True, ignore=ignore)
        if self.coursedir.groupshared:  # as nbgrader's own collect does
            for folder, _, _ in os.walk(dest):
                mode = os.stat(folder).st_mode
                if mode & 0o2770 != 0o2770:
                    os.chmod(folder, (mode | 0o2770) & 0o2777)


class PrivateCollect(CourseCollect):
    """nbgrader's collect: owner-only collected copies, and no submissions in another's name."""

    require_owner = Bool(
        False,
        help=(
            "Refuse a submission whose files in the exchange are not owned by the system user "
            "it is filed under (for a hub where each trainee is a separate system user)."
        ),
    ).tag(config=True)

    owner_names = Dict(
        help=(
            "uid -> user name, for pods that have no system user list (Kubernetes, where the "
            "hub gives each user their own uid)."
        ),
    ).tag(config=True)

    def init_src(self):
        # nbgrader's own init_src, with submissions in another's name left out before the
        # latest one per trainee is chosen.
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not os.access(self.inbound_path, os.R_OK | os.X_OK):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(
            self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*"
        )
        records = []
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            owner = owner_of(path, self.owner_names)
            if self.require_owner and owner != record["username"]:
                self.log.error(
                    "Not collected: %s is filed under %r but belongs to %r, so it is not "
                    "%s's own work. Remove it from the exchange.",
                    path,
                    record["username"],
                    owner,
                    record["username"],
                )
                continue
            records.append(record)
        usergroups = groupby(records, lambda item: item["username"])

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in usergroups.values():
            group = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in group if r["timestamp"] <= self.duedate]
                self.src_records.append((on_time or group)[0])
            else:
                self.src_records.append(group[0])

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest, log)
        if not self.coursedir.groupshared:
            make_private(dest)
