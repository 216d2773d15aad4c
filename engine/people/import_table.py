"""Reading and checking a table of users to import (domain layer): CSV or XLSX in, checked rows out.

A file is read into rows of text and each row is checked on its own and against the others
(logins, mobiles) with the user rules; what needs the database (taken logins, unknown roles and
groups) is checked by the import use case. Problems name the spreadsheet row (the header is
row 1), so an administrator can fix the file and send it again.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.errors import SubmissionError
from engine.i18n import DEFAULT_LOCALE, translate
from engine.people import rules

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: refuse a small file that expands to gigabytes
MAX_COLUMNS = 50
GENERATED_PASSWORD_BYTES = 9  # 12 characters of token_urlsafe

HEADERS = {  # the first two of each are the names error messages suggest
    "login": ("登录名", "login", "用户名", "账号"),
    "name": ("姓名", "name"),
    "mobile": ("手机", "mobile", "手机号", "phone"),
    "email": ("邮箱", "email", "电子邮箱"),
    "roles": ("角色", "roles"),
    "groups": ("班组", "groups", "部门"),
    "password": ("密码", "password"),
}
_HEADER_KEYS = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}
_LIST_SPLIT = re.compile(r"[;；,，]")
_ROLE = re.compile(r"([a-z][a-z0-9_]{0,62}):([a-z0-9_]{1,63})")


def text(code: str, locale: str, **params: Any) -> str:
    """An import message (``directory.import.<code>``) in ``locale``."""
    return translate(f"directory.import.{code}", locale, **params)


@dataclass(slots=True)
class ImportRow:
    """One spreadsheet row of a user to create, normalized; ``generated`` when its password was made up."""

    number: int
    values: dict[str, str]
    roles: list[tuple[str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    generated: bool = False


# -- reading files ----------------------------------------------------------------------------


def read_table(data: bytes, locale: str = DEFAULT_LOCALE) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the numbered rows of a CSV or XLSX file (a zip is taken for XLSX).

    Cell values are text, except XLSX formulas, which come back as ``_Formula`` so that each row
    can name the cell; blank rows are skipped but keep their numbers.
    """
    if len(data) > MAX_BYTES:
        raise file_error("file_too_big", locale)
    if not data.strip():
        raise file_error("file_empty", locale)
    lines = _xlsx_rows(data, locale) if data[:4] == b"PK\x03\x04" else _csv_rows(data, locale)
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in lines:
        if not any(_cell_text(c) for c in cells):
            continue
        if header is None:
            header = [_cell_text(c) for c in cells]
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise file_error("too_many_rows", locale, max=MAX_ROWS)
    if header is None:
        raise file_error("file_empty", locale)
    return header, rows


@dataclass(frozen=True, slots=True)
class _Formula:
    text: str


def _csv_rows(data: bytes, locale: str) -> Iterator[tuple[int, list[Any]]]:
    if b"\x00" in data:
        raise file_error("file_binary", locale)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error("file_binary", locale) from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in decoded):
        raise file_error("file_binary", locale)
    # the header decides the delimiter (Excel writes ';' in some regions); role cells hold ';' themselves
    first_line = decoded.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter if first_line.count(delimiter) else ",")
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise SubmissionError(
            text("file_binary", locale), {"file": [text("file_binary", locale) + f" ({exc})"]}
        ) from None


def _xlsx_rows(data: bytes, locale: str) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # imported when a spreadsheet arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_error("file_xlsx", locale, reason=text("xlsx_not_zip", locale)) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise file_error("file_xlsx", locale, reason=text("xlsx_too_big", locale))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                sheet = book.worksheets[0]
                for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                    yield number, [_xlsx_value(c) for c in cells]
                    if number > MAX_ROWS + 10_000:  # blank rows cost too; this is no user list
                        break
            finally:
                book.close()
    except SubmissionError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file; all mean the same here
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise file_error("file_xlsx", locale, reason=reason) from None


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
        return _Formula(str(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _cell_text(cell: Any) -> str:
    return cell.text if isinstance(cell, _Formula) else str(cell).strip()


def file_error(code: str, locale: str, **params: Any) -> SubmissionError:
    message = text(code, locale, **params)
    return SubmissionError(message, {"file": [message]})


# -- checking rows ----------------------------------------------------------------------------


def _columns(header: list[str], locale: str) -> list[str | None]:
    columns: list[str | None] = []
    problems: list[str] = []
    known = ", ".join(f"{aliases[0]}/{aliases[1]}" for aliases in HEADERS.values())
    for title in header:
        if not title:
            columns.append(None)  # an unnamed column (a trailing comma) is ignored
            continue
        key = _HEADER_KEYS.get(title.strip().lower())
        if key is None:
            problems.append(text("header_unknown", locale, value=title[:50], known=known))
        elif key in columns:
            problems.append(text("header_duplicate", locale, value=title[:50]))
        columns.append(key)
    if "login" not in columns:
        problems.append(text("header_login", locale))
    if problems:
        raise SubmissionError(problems[0], {"header": problems})
    return columns


def parse_rows(
    header: list[str], raw_rows: list[tuple[int, list[Any]]], locale: str
) -> tuple[list[ImportRow], dict[int, list[str]]]:
    """Every row normalized, and the problems of each row found without the database."""
    columns = _columns(header, locale)
    if not raw_rows:
        raise file_error("no_rows", locale)
    titles = dict(zip(columns, header, strict=False))
    rows: list[ImportRow] = []
    problems: dict[int, list[str]] = {}
    seen_logins: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}
    for number, cells in raw_rows:
        found: list[str] = []
        values: dict[str, str] = {}
        for key, cell in zip(columns, cells, strict=False):
            if key is None:
                continue
            if isinstance(cell, _Formula) or (key != "password" and _looks_like_formula(key, str(cell))):
                found.append(text("formula", locale, column=titles[key]))
                continue
            values[key] = str(cell).strip() if key != "password" else str(cell)
        row = ImportRow(number, values)
        found.extend(_row_problems(row, locale))
        if row.values.get("login"):
            other = seen_logins.setdefault(row.values["login"], number)
            if other != number:
                found.append(text("login_duplicate", locale, value=row.values["login"], other=other))
        if row.values.get("mobile"):
            other = seen_mobiles.setdefault(row.values["mobile"], number)
            if other != number:
                found.append(text("mobile_duplicate", locale, value=row.values["mobile"], other=other))
        if found:
            problems[number] = [text("row", locale, row=number, message=m) for m in found]
        rows.append(row)
    return rows, problems


def _looks_like_formula(key: str, value: str) -> bool:
    """Spreadsheet formula injection: a cell that Excel would run if this file is opened again."""
    value = value.strip()
    if not value or value[0] not in "=+-@":
        return False
    return not (key == "mobile" and value[0] == "+")


def _row_problems(row: ImportRow, locale: str) -> list[str]:
    """Check and normalize one row in place (login lower-cased, mobile without spaces, lists split)."""
    values = row.values
    found: list[str] = []
    login = values.get("login", "").lower()
    values["login"] = login
    if not login:
        found.append(text("login_missing", locale))
    elif problem := rules.login_problem(login):
        found.append(text(problem, locale, value=login[:50]))
    if not rules.name_valid(values.get("name", "")):
        found.append(text("name_long", locale))
    if values.get("mobile"):
        values["mobile"] = rules.normalize_mobile(values["mobile"])
        if not rules.mobile_valid(values["mobile"]):
            found.append(text("mobile_invalid", locale))
    email = values.get("email", "")
    if email and not rules.email_valid(email):
        found.append(text("email_invalid", locale, value=email[:60]))
    if values.get("password"):
        if problem := rules.password_problem(values["password"]):
            found.append(text(problem, locale, min=rules.MIN_PASSWORD_LENGTH))
    else:
        values["password"] = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        row.generated = True
    for item in _split(values.get("roles", "")):
        match = _ROLE.fullmatch(item)
        if match is None:
            found.append(text("role_invalid", locale, value=item[:60]))
        elif (match.group(1), match.group(2)) not in row.roles:
            row.roles.append((match.group(1), match.group(2)))
    row.groups = list(dict.fromkeys(_split(values.get("groups", ""))))
    return found


def _split(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]
