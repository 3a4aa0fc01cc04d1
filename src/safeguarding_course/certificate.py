"""course-certificate: certificates a trainer issues, and checks, from the gradebook.

Run it from the course folder (where nbgrader_config.py and gradebook.db are):

    course-certificate status                      # who has passed, and what is left for the rest
    course-certificate issue --all                 # a certificate for every trainee who has passed
    course-certificate issue trainee_a --name "Sam Patel"
    course-certificate verify certificates/trainee_a/certificate.html
    course-certificate verify --code 7KQ2-...      # a printed or PDF copy: the code on it

A trainee has passed when every assessment of the course (every folder in solutions/, or those
given with --assessments) is graded, with any written answers marked, and each scores at least
the pass mark. The pass mark is 75% unless the trainer gives another with --pass-mark. Every
assessment has fewer than 75% of its points in auto-marked questions, so at 75% no one passes
on auto-marked answers alone: a trainer has judged a written answer in every assessment.

A certificate (certificates/<trainee>/certificate.html, a page that prints on one A4 sheet,
and certificate.pdf) states the name, the modules and their minutes, the CPD hours, each
score, the course's content version and date, a refresh-by date a year on, and a
verification code. The code is an HMAC-SHA256 of the certificate's text, keyed with a secret
kept in the course folder (.certificate_key, made on first use, readable by the trainer only,
git-ignored): changing any word of the certificate breaks it, and no one without the course
folder can make a code that checks. Each issue is also recorded in certificates/register.jsonl,
so a trainer can check a paper or PDF copy by its code. A CPD entry in Social Work England's
terms (cpd.py) is written beside each certificate, for the trainee to complete.

Exit codes: 0 done (verify: the certificate is genuine); 1 refused (verify: not genuine, or
not issued here; issue: the trainee has not passed); 2 the command line was wrong.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from . import __version__, content
from .cpd import COURSE_TITLE, _minutes, swe_cpd_entry
from .grading.lms import assessment_title
from .progress import Module, course_modules

DEFAULT_PASS_MARK = 75.0
KEY_FILE = ".certificate_key"
FOLDER = "certificates"
REGISTER = "register.jsonl"
REFRESH_FACTS = ("cert_swe_cpd_each_year",)
REFRESH_REASON = (
    "Refresh this training within a year of this certificate: the routes, the law, the "
    "guidance and the online risks it teaches change from year to year (the course checks every "
    "source it cites at least once a year), and"
)
CODE_GROUPS = 5  # five groups of four base32 characters: 100 bits of the HMAC


# -- who has passed ------------------------------------------------------------------------------


@dataclass
class Result:
    """One trainee's results on the assessments a certificate needs."""

    student_id: str
    name: str
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (score, max)
    missing: list[str] = field(default_factory=list)  # why they have not passed yet
    last_submitted: dt.date | None = None
    first_submitted: dt.date | None = None

    @property
    def passed(self) -> bool:
        return not self.missing


def required_assessments(course_root: Path) -> list[str]:
    """Every assessment of the course: the folders in solutions/."""
    folder = Path(course_root) / "solutions"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _day(stamp: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stamp[:10])
    except (TypeError, ValueError):
        return None


def results(course_root: Path, pass_mark: float, assessments: list[str]) -> dict[str, Result]:
    """Each trainee in the gradebook, with their scores and what stops them passing."""
    from nbgrader.api import Gradebook

    from .grading.gradebook import existing_gradebook_url
    from .grading.status import AWAITING, GRADED, NO_SUBMISSION, all_statuses

    course_root = Path(course_root)
    found: dict[str, Result] = {}
    url = existing_gradebook_url(course_root)
    if url is None:
        return found
    with Gradebook(url) as gb:
        statuses = all_statuses(course_root, gb)
        known = {a.name for a in gb.assignments}
        for student in gb.students:
            name = " ".join(p for p in (student.first_name, student.last_name) if p)
            result = Result(student.id, name)
            days = []
            for assessment in assessments:
                if assessment not in known:
                    result.missing.append(f"{assessment}: not in the gradebook yet")
                    continue
                state = statuses[(assessment, student.id)]
                if state.status == GRADED:
                    result.scores[assessment] = (state.score, state.max_score)
                    days.append(_day(state.timestamp))
                    if state.max_score and 100 * state.score / state.max_score < pass_mark:
                        result.missing.append(
                            f"{assessment}: {state.score:g} of {state.max_score:g}, below the "
                            f"pass mark of {pass_mark:g}%"
                        )
                elif state.status == AWAITING:
                    result.missing.append(f"{assessment}: awaiting marking ({state.reason})")
                elif state.status == NO_SUBMISSION:
                    result.missing.append(f"{assessment}: no submission")
                else:
                    result.missing.append(f"{assessment}: not graded ({state.reason})")
            days = sorted(d for d in days if d)
            result.first_submitted = days[0] if days else None
            result.last_submitted = days[-1] if days else None
            found[student.id] = result
    return found


# -- the certificate's text ----------------------------------------------------------------------


def _one_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def content_date() -> dt.date:
    """The date the course's content was last checked: the newest `checked` of its sources."""
    return max(s.checked for s in content.content().sources.values())


def _handed_in(result: Result) -> str:
    first, last = result.first_submitted, result.last_submitted
    if not (first and last):
        return ""
    if first == last:
        return f", for work handed in on {first:%-d %B %Y}"
    return f", for work handed in between {first:%-d %B %Y} and {last:%-d %B %Y}"


def modules_for(assessments: list[str], modules: dict[str, Module]) -> list[Module]:
    """The modules a set of assessments covers: module 00 (the start), and module NN for each
    assessment NN; the final case assessment covers them all."""
    numbers = {a[:2] for a in assessments}
    if any(n not in modules for n in numbers):  # e.g. "10", the final case: the whole course
        return list(modules.values())
    return [m for mid, m in modules.items() if mid == "00" or mid in numbers]


@dataclass(frozen=True)
class Certificate:
    """The lines of a certificate, in order; the code is computed over exactly these."""

    student_id: str
    lines: tuple[tuple[str, str], ...]  # (kind, text): kind is a heading, line or item
    issued: dt.date
    refresh_by: dt.date

    def text(self) -> str:
        return canonical(t for _, t in self.lines)


def canonical(texts) -> str:
    """The text that the code covers: every line, with runs of spaces made one."""
    return "\n".join(" ".join(t.split()) for t in texts if " ".join(t.split()))


def build_certificate(
    course_root: Path,
    result: Result,
    pass_mark: float,
    issued: dt.date,
    issuer: str = "",
    modules: dict[str, Module] | None = None,
) -> Certificate:
    modules = course_modules() if modules is None else modules
    covered = modules_for(list(result.scores), modules)
    minutes = sum(m.minutes for m in covered)
    refresh = _one_year_on(issued)
    name = result.name or result.student_id
    lines: list[tuple[str, str]] = [
        ("title", "Certificate of completion"),
        ("course", COURSE_TITLE),
        (
            "line",
            f"This certifies that {name} (trainee id {result.student_id}) completed "
            + ("the course" if len(covered) == len(modules) else "the modules listed below")
            + (
                f" and passed each of its {len(result.scores)} assessments"
                if len(result.scores) > 1
                else " and passed its assessment"
            )
            + f" with at least {pass_mark:g}%, including written answers marked by a trainer.",
        ),
        ("heading", "Modules studied"),
        *[("item", f"Module {m.number}: {m.title} ({m.minutes} minutes)") for m in covered],
        (
            "line",
            f"Study time: {_minutes(minutes)}. CPD hours: {minutes / 60:.1f}, the study time "
            "the course gives for these modules (assessment time not included).",
        ),
        ("heading", "Assessment scores"),
        *[
            (
                "item",
                f"{assessment_title(course_root, a)}: {score:g} of {maximum:g} "
                f"({score / maximum:.0%})",
            )
            for a, (score, maximum) in sorted(result.scores.items())
        ],
        (
            "line",
            f"Course content version {__version__}, with its facts last checked on "
            f"{content_date():%-d %B %Y}.",
        ),
        (
            "line",
            f"Issued on {issued:%-d %B %Y}"
            + (f" by {issuer}" if issuer else "")
            + _handed_in(result)
            + ".",
        ),
        ("heading", f"Refresh by {refresh:%-d %B %Y}"),
        ("line", REFRESH_REASON),
        *[("line", content.fact(f).statement) for f in REFRESH_FACTS],
        (
            "line",
            "Your local safeguarding procedures, your supervisor and your designated "
            "safeguarding lead always come first: this course does not replace them.",
        ),
    ]
    return Certificate(result.student_id, tuple(lines), issued, refresh)


# -- the code ------------------------------------------------------------------------------------


def course_key(course_root: Path, create: bool = False) -> bytes:
    """The course folder's secret, made on first use (only the trainer can read it)."""
    path = Path(course_root) / KEY_FILE
    if not path.is_file():
        if not create:
            raise FileNotFoundError(
                f"{path} is missing: certificates can only be checked in the course folder "
                "that issued them"
            )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("ascii")


def code_for(text: str, key: bytes) -> str:
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode("ascii")[: 4 * CODE_GROUPS]
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


# -- HTML: printable, and readable back for verification -----------------------------------------

CSS = """
@page { size: A4; margin: 1.6cm; }
body { font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff;
       margin: 0; line-height: 1.4; }
main { max-width: 44rem; margin: 1.5rem auto; padding: 1.5rem 2rem; border: 3px double #333; }
h1 { font-size: 1.9rem; text-align: center; margin: 0.3rem 0; letter-spacing: 0.02em; }
.course { font-size: 1.25rem; text-align: center; font-style: italic; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 0.9rem 0 0.2rem; border-bottom: 1px solid #777; }
ul { margin: 0.2rem 0 0.4rem 1.2rem; padding: 0; } li { margin: 0; }
p { margin: 0.35rem 0; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 1.05rem; font-weight: bold; }
@media print { main { margin: 0; max-width: none; border: 3px double #333; }
  body { font-size: 10.5pt; } }
"""


def certificate_html(cert: Certificate, code: str) -> str:
    body: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            body.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for kind, text in cert.lines:
        if kind == "item":
            items.append(text)
            continue
        flush()
        tag = {"title": "h1", "heading": "h2"}.get(kind, "p")
        css = ' class="course"' if kind == "course" else ""
        body.append(f"<{tag}{css}>{escape(text)}</{tag}>")
    flush()
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Certificate: {escape(COURSE_TITLE)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            '<main id="certificate">',
            *body,
            f'<p id="verification">Verification code: <span class="code">{escape(code)}</span>. '
            "A trainer can check it with course-certificate verify in the course folder that "
            "issued it.</p>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


class _CertificateText(HTMLParser):
    """The certificate's lines and code, read back from its HTML file. Anything that could
    change what a reader sees without changing those lines (added text or tags, hiding,
    inline style) is reported as a problem."""

    BLOCKS = {"h1", "h2", "p", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.code = ""
        self.style = ""
        self.title = ""
        self.problems: list[str] = []
        self._text: list[str] | None = None  # inside a line's block
        self._where = ""  # "style", "title", "code", "verification" or ""
        self._in_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if {"style", "hidden"} & set(attrs) or tag in {"script", "link", "img", "iframe", "object"}:
            self.problems.append(f"a <{tag}> tag has been added or changed")
        if tag in ("style", "title"):
            self._where = tag
        elif tag == "main":
            self._in_main = True
        elif attrs.get("id") == "verification":
            self._where = "verification"
        elif attrs.get("class") == "code" and self._where == "verification":
            self._where = "code"
        elif tag in self.BLOCKS and self._in_main and not self._where:
            if self._text is not None:
                self.problems.append(f"a <{tag}> has been put inside another line")
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._where = ""
        elif tag == "main":
            self._in_main = False
        elif tag == "span" and self._where == "code":
            self._where = "verification"
        elif tag == "p" and self._where == "verification":
            self._where = ""
        elif tag in self.BLOCKS and self._text is not None:
            self.lines.append("".join(self._text))
            self._text = None

    def handle_data(self, data):
        if self._where == "style":
            self.style += data
        elif self._where == "title":
            self.title += data
        elif self._where == "code":
            self.code += data.strip()
        elif self._where == "verification":
            return
        elif self._text is not None:
            self._text.append(data)
        elif data.strip():
            self.problems.append("text has been added outside the certificate's lines")


@dataclass(frozen=True)
class Verdict:
    valid: bool
    message: str


def _register_entries(course_root: Path) -> list[dict]:
    path = Path(course_root) / FOLDER / REGISTER
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verify_text(course_root: Path, text: str, code: str) -> Verdict:
    key = course_key(course_root)
    if not hmac.compare_digest(code_for(text, key), code):
        return Verdict(
            False,
            "NOT VALID: the certificate's text does not match its verification code. It has "
            "been changed, or it was not issued by this course folder.",
        )
    if not any(e.get("code") == code for e in _register_entries(course_root)):
        return Verdict(False, "NOT VALID: the code is not in this course folder's register.")
    return Verdict(True, "VALID: this certificate was issued by this course folder, unchanged.")


def verify_file(course_root: Path, path: Path) -> Verdict:
    try:
        page = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Verdict(False, f"NOT VALID: {path} cannot be read ({error}).")
    parser = _CertificateText()
    parser.feed(page)
    if parser.problems:
        return Verdict(False, f"NOT VALID: {path}: {parser.problems[0]}.")
    if parser.style.strip() != CSS.strip() or parser.title != f"Certificate: {COURSE_TITLE}":
        return Verdict(False, f"NOT VALID: {path}: its layout or title has been changed.")
    if not parser.code:
        return Verdict(False, f"NOT VALID: {path} has no verification code.")
    verdict = verify_text(course_root, canonical(parser.lines), parser.code)
    return Verdict(verdict.valid, f"{verdict.message} ({path}, code {parser.code})")


def verify_code(course_root: Path, code: str) -> Verdict:
    """A printed or PDF copy: look the code up, check the register entry, show what it says."""
    code = code.strip().upper()
    key = course_key(course_root)
    for entry in _register_entries(course_root):
        if entry.get("code") == code:
            if not hmac.compare_digest(code_for(entry["text"], key), code):
                return Verdict(False, "NOT VALID: the register entry for this code was changed.")
            return Verdict(
                True,
                f"VALID: code {code} was issued to {entry['student_id']} on {entry['issued']}. "
                "The certificate should say exactly this:\n" + entry["text"],
            )
    return Verdict(False, f"NOT VALID: no certificate with code {code} was issued here.")


# -- PDF -----------------------------------------------------------------------------------------


def certificate_pdf(cert: Certificate, code: str, path: Path) -> Path:
    """The same text as a one-page A4 PDF, made with fpdf2 (pure Python; the font is the
    DejaVu Sans that matplotlib ships, so every name prints)."""
    from fpdf import FPDF
    from matplotlib import font_manager

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"Certificate: {COURSE_TITLE}")
    pdf.set_subject(f"Verification code {code}")
    regular = font_manager.findfont("DejaVu Sans")
    bold = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.add_page()
    pdf.set_draw_color(51, 51, 51)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(18)
    sizes = {"title": (20, "B"), "course": (14, ""), "heading": (11.5, "B")}
    for kind, text in cert.lines:
        size, style = sizes.get(kind, (9.5, ""))
        pdf.set_font("DejaVu", style, size)
        align = "C" if kind in ("title", "course") else "L"
        pdf.set_x(18)
        prefix = "\u2022 " if kind == "item" else ""
        pdf.multi_cell(174, size * 0.5, prefix + text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5 if kind != "item" else 0.3)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_x(18)
    pdf.multi_cell(174, 6, f"Verification code: {code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_x(18)
    pdf.multi_cell(
        174,
        4.5,
        "A trainer can check the code with course-certificate verify --code in the course "
        "folder that issued it.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.output(str(path))
    return path


# -- issuing -------------------------------------------------------------------------------------


def issue(
    course_root: Path,
    result: Result,
    pass_mark: float,
    issued: dt.date | None = None,
    issuer: str = "",
    name: str = "",
) -> dict[str, Path]:
    """Write the certificate (HTML and PDF), the CPD entry, and a register entry."""
    course_root = Path(course_root)
    if name:
        result.name = name
    issued = issued or dt.date.today()
    cert = build_certificate(course_root, result, pass_mark, issued, issuer)
    key = course_key(course_root, create=True)
    code = code_for(cert.text(), key)
    folder = course_root / FOLDER / result.student_id
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / "certificate.html"
    html_path.write_text(certificate_html(cert, code), encoding="utf-8")
    pdf_path = certificate_pdf(cert, code, folder / "certificate.pdf")
    modules = modules_for(list(result.scores), course_modules())
    scores = "; ".join(f"{a}: {s:g} of {m:g}" for a, (s, m) in sorted(result.scores.items()))
    entry = swe_cpd_entry(
        modules,
        result.first_submitted,
        result.last_submitted,
        assessed=f"Passed each assessment with at least {pass_mark:g}% ({scores}); "
        f"certificate code {code}, issued {issued:%-d %B %Y}.",
    )
    cpd_path = folder / "cpd_entry.md"
    cpd_path.write_text(entry.markdown(level=1) + "\n", encoding="utf-8")
    register = course_root / FOLDER / REGISTER
    with register.open("a", encoding="utf-8") as handle:
        handle.write(
            json.dumps(
                {
                    "code": code,
                    "student_id": result.student_id,
                    "issued": issued.isoformat(),
                    "refresh_by": cert.refresh_by.isoformat(),
                    "pass_mark": pass_mark,
                    "text": cert.text(),
                }
            )
            + "\n"
        )
    return {"html": html_path, "pdf": pdf_path, "cpd": cpd_path, "code": code}


# -- the command ---------------------------------------------------------------------------------


def _status(course_root: Path, args) -> int:
    found = results(course_root, args.pass_mark, args.assessments)
    if not found:
        print("No trainees in the gradebook yet.")
        return 0
    for result in found.values():
        if result.passed:
            print(f"{result.student_id}: passed every assessment; a certificate can be issued.")
        else:
            print(f"{result.student_id}: not yet: " + "; ".join(result.missing))
    return 0


def _issue(course_root: Path, args) -> int:
    found = results(course_root, args.pass_mark, args.assessments)
    wanted = list(found) if args.all else args.trainees
    if not wanted and not args.all:
        print("Name a trainee, or use --all.", file=sys.stderr)
        return 2
    if args.name and (args.all or len(wanted) != 1):
        print("--name is for one trainee at a time.", file=sys.stderr)
        return 2
    refused = 0
    issued_any = False
    for student_id in wanted:
        result = found.get(student_id)
        if result is None:
            print(f"NOT ISSUED {student_id}: not in the gradebook.")
            refused += 1
        elif not result.passed:
            if not args.all:
                print(f"NOT ISSUED {student_id}: " + "; ".join(result.missing))
                refused += 1
        else:
            paths = issue(course_root, result, args.pass_mark, issuer=args.issuer, name=args.name)
            issued_any = True
            print(
                f"Issued {student_id}: {paths['html']} and {paths['pdf']} (code {paths['code']}); "
                f"CPD entry for the trainee to complete: {paths['cpd']}."
            )
    if args.all and not issued_any:
        print(
            "No trainee has passed every assessment yet; `course-certificate status` says "
            "what is left."
        )
    return 1 if refused else 0


def _verify(course_root: Path, args) -> int:
    verdicts = []
    try:
        if args.code:
            verdicts.append(verify_code(course_root, args.code))
        for item in args.files:
            path = Path(item)
            folder = path.is_dir() or (item.endswith("/") and not path.exists())
            files = sorted(path.glob("*/certificate.html")) if folder else [path]
            if folder and not files:
                print(f"No certificates in {path}/ yet.")
            verdicts += [verify_file(course_root, f) for f in files]
    except FileNotFoundError as error:
        print(f"NOT VALID: {error}")
        return 1
    if not args.files and not args.code:
        print("Give a certificate file (or a folder of them), or --code.", file=sys.stderr)
        return 2
    for verdict in verdicts:
        print(verdict.message)
    return 0 if all(v.valid for v in verdicts) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course-certificate", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("status", "issue"):
        sub = commands.add_parser(name)
        sub.add_argument(
            "--pass-mark",
            type=float,
            default=DEFAULT_PASS_MARK,
            help=f"percentage needed on each assessment (default {DEFAULT_PASS_MARK:g})",
        )
        sub.add_argument(
            "--assessments", nargs="+", default=None, help="the assessments needed (default: all)"
        )
        if name == "issue":
            sub.add_argument("trainees", nargs="*", help="trainee ids")
            sub.add_argument("--all", action="store_true", help="every trainee who has passed")
            sub.add_argument("--name", default="", help="the trainee's name as it should appear")
            sub.add_argument("--issuer", default="", help="who issues it, e.g. your organisation")
    verify = commands.add_parser("verify")
    verify.add_argument("files", nargs="*", help="certificate.html files, or their folder")
    verify.add_argument("--code", help="the code on a printed or PDF copy")
    args = parser.parse_args(argv)

    root = Path.cwd()
    if not (root / "nbgrader_config.py").is_file():
        parser.error("run course-certificate from the course folder, where nbgrader_config.py is")
    if args.command in ("status", "issue"):
        if not 0 < args.pass_mark <= 100:
            parser.error("--pass-mark is a percentage between 0 and 100")
        args.assessments = args.assessments or required_assessments(root)
        return (_status if args.command == "status" else _issue)(root, args)
    return _verify(root, args)


if __name__ == "__main__":
    sys.exit(main())
