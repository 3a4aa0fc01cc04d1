"""`nbgrader collect` that keeps a submission's links as links.

nbgrader's collect copies each submission out of the exchange with `shutil.copytree`, which
follows symbolic links with the trainer's rights: a link a trainee left in the exchange's
inbound folder (to the trainer's solutions, or to another trainee's work) would arrive in
submitted/ as an ordinary copy of what it points to, and could not be told apart from a real
notebook. `CourseCollect` copies links as links, so the autograde check refuses them by name
("not graded: the notebook is a symbolic link"), and leaves named pipes and devices out (they
cannot be copied, and reading one would never end). Set in nbgrader_config.py:

    c.ExchangeFactory.collect = "safeguarding_course.grading.exchange.CourseCollect"
"""

from __future__ import annotations

import os
import shutil
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns


class CourseCollect(ExchangeCollect):
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
