"""Bulk import of users from CSV or XLSX (storage layer): every row checked first, then all or nothing.

A file is read into rows of text, each row is checked on its own and against the others and the
database (logins, mobiles, roles, groups), and only when no row has a problem are all users
created in one transaction. Problems name the spreadsheet row (the header is row 1), so an
administrator can fix the file and send it again.

Hashing decides how long an import takes: full-cost scrypt is ~0.05-0.15 s per password, so
5,000 of them would hold one request for minutes. Passwords written in the file were chosen by
people and keep the full cost (hashed on every core, at most MAX_FILE_PASSWORDS per file);
the one-time passwords generated for rows without one are random 72-bit secrets, which no
amount of guessing reaches, so they are stored at GENERATED_SCRYPT_N (the password the user
sets later is hashed at full cost again).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import secrets
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.errors import ConflictError, NotFoundError, SubmissionError
from engine.registry import suggest
from engine.storage import directory as directory_module
from engine.storage.directory import DirectoryStore
from engine.storage.tables import AppRow, AuditEventRow, GroupMemberRow, GroupRow, UserRoleRow, UserRow, utcnow

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: refuse a small file that expands to gigabytes
MAX_COLUMNS = 50
GENERATED_PASSWORD_BYTES = 9  # 12 characters of token_urlsafe
GENERATED_SCRYPT_N = 2**8  # 256 KiB, ~1 ms: plenty for a random secret (see the module's docstring)
MAX_FILE_PASSWORDS = 500  # full-cost hashes one request may spend (~30 s on two slow cores)
HASHING_THREADS = min(8, os.cpu_count() or 1)  # hashlib.scrypt releases the GIL; 32 MiB each

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

MESSAGES = {
    "row": {"zh-CN": "第 {row} 行:{message}", "en": "row {row}: {message}"},
    "login_missing": {"zh-CN": "缺少登录名", "en": "the login is missing"},
    "login_invalid": {
        "zh-CN": "登录名“{value}”只能包含字母、数字和 . _ @ + -(以字母或数字开头)",
        "en": "the login '{value}' may only hold letters, digits and . _ @ + - (starting with a letter or digit)",
    },
    "login_mobile": {"zh-CN": "登录名不能像手机号", "en": "the login cannot look like a phone number"},
    "login_duplicate": {
        "zh-CN": "登录名“{value}”与第 {other} 行重复",
        "en": "the login '{value}' repeats row {other}",
    },
    "login_taken": {"zh-CN": "登录名“{value}”已被占用", "en": "the login '{value}' is taken"},
    "name_long": {"zh-CN": "姓名最多 200 个字符", "en": "the name has more than 200 characters"},
    "mobile_invalid": {"zh-CN": "手机号格式不正确", "en": "the mobile number is not valid"},
    "mobile_duplicate": {
        "zh-CN": "手机号 {value} 与第 {other} 行重复",
        "en": "the mobile number {value} repeats row {other}",
    },
    "mobile_taken": {
        "zh-CN": "手机号 {value} 已属于其他用户",
        "en": "the mobile number {value} belongs to another user",
    },
    "email_invalid": {"zh-CN": "邮箱“{value}”格式不正确", "en": "the email '{value}' is not valid"},
    "password_short": {
        "zh-CN": "密码至少 {min} 个字符",
        "en": "the password needs at least {min} characters",
    },
    "password_long": {"zh-CN": "密码太长", "en": "the password is too long"},
    "role_invalid": {
        "zh-CN": "角色“{value}”应写作 应用:角色(如 property_repair:technician)",
        "en": "the role '{value}' should read APP:ROLE (like property_repair:technician)",
    },
    "role_unknown": {"zh-CN": "角色“{value}”不存在{hint}", "en": "there is no role '{value}'{hint}"},
    "group_unknown": {"zh-CN": "班组“{value}”不存在{hint}", "en": "there is no group '{value}'{hint}"},
    "formula": {
        "zh-CN": "“{column}”列是公式;请粘贴为数值后再导入",
        "en": "the '{column}' cell is a formula; paste it as values and import again",
    },
    "file_too_big": {
        "zh-CN": "文件超过 2 MB;请分成几个文件导入",
        "en": "the file is larger than 2 MB; split it into several files",
    },
    "file_empty": {"zh-CN": "文件是空的", "en": "the file is empty"},
    "file_binary": {
        "zh-CN": "无法读取文件:请上传 UTF-8 编码的 CSV 或 XLSX 文件",
        "en": "the file cannot be read: send a UTF-8 CSV or an XLSX file",
    },
    "file_xlsx": {
        "zh-CN": "无法读取 XLSX 文件:{reason}",
        "en": "the XLSX file cannot be read: {reason}",
    },
    "too_many_rows": {
        "zh-CN": "文件超过 {max} 行;请分成几个文件导入",
        "en": "the file has more than {max} rows; split it into several files",
    },
    "no_rows": {"zh-CN": "文件中没有用户行", "en": "the file holds no users below its header"},
    "too_many_passwords": {
        "zh-CN": "文件为 {count} 个用户设置了密码,一次最多 {max} 个;"
        "请清空“密码”列(系统会生成一次性密码),或分成几个文件导入",
        "en": "the file sets {count} passwords, at most {max} per file; leave the password column empty "
        "(one-time passwords are generated) or split it into several files",
    },
    "header_unknown": {
        "zh-CN": "表头“{value}”无法识别;可用的表头:{known}",
        "en": "the header '{value}' is not known; use {known}",
    },
    "header_duplicate": {"zh-CN": "表头“{value}”重复", "en": "the header '{value}' appears twice"},
    "header_login": {
        "zh-CN": "表头缺少“登录名”(或 login)列",
        "en": "the header has no 'login' (or 登录名) column",
    },
    "summary": {
        "zh-CN": "没有导入任何用户:{count} 处问题,第一处是 {first}",
        "en": "no user was imported: {count} problem(s), the first being {first}",
    },
}


def _text(code: str, locale: str, **params: Any) -> str:
    templates = MESSAGES[code]
    return templates.get(locale, templates["en"]).format(**params)


@dataclass(slots=True)
class _Row:
    number: int
    values: dict[str, str]
    roles: list[tuple[str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    generated: bool = False


class UserImport:
    """``UserImport(directory).run(data, locale=..., actor=...)``: the whole file in, or nothing."""

    def __init__(self, directory: DirectoryStore):
        self.directory = directory
        self.database = directory.database

    def run(self, data: bytes, *, locale: str = "zh-CN", actor: str = "system", file_name: str = "") -> dict[str, Any]:
        """Create every user in the file, or raise SubmissionError with every problem by row.

        Returns ``{"created": n, "users": [{row, id, login}], "passwords": [{row, login, password}]}``;
        ``passwords`` lists the passwords generated for rows without one (shown this once).
        """
        header, raw_rows = read_table(data, locale)
        rows, problems = _parse(header, raw_rows, locale)
        chosen = sum(1 for row in rows if not row.generated)
        if chosen > MAX_FILE_PASSWORDS:
            raise _file_error("too_many_passwords", locale, count=chosen, max=MAX_FILE_PASSWORDS)
        for number, found in self._check_against_database(rows, locale).items():
            problems.setdefault(number, []).extend(found)
        if problems:
            messages = [message for number in sorted(problems) for message in problems[number]]
            summary = _text("summary", locale, count=len(messages), first=messages[0])
            raise SubmissionError(summary, {str(number): problems[number] for number in sorted(problems)})
        return self._create(rows, actor, data, file_name)

    def _check_against_database(self, rows: list[_Row], locale: str) -> dict[int, list[str]]:
        problems: dict[int, list[str]] = {}
        logins = [r.values["login"] for r in rows]
        mobiles = [r.values["mobile"] for r in rows if r.values.get("mobile")]
        with self.database.transaction() as session:
            taken_logins: set[str] = set()
            taken_mobiles: set[str] = set()
            for start in range(0, len(logins), 500):
                chunk = logins[start : start + 500]
                taken_logins.update(session.scalars(select(UserRow.login).where(UserRow.login.in_(chunk))))
            for start in range(0, len(mobiles), 500):
                chunk = mobiles[start : start + 500]
                hits = session.scalars(select(UserRow.mobile).where(UserRow.mobile.in_(chunk)))
                taken_mobiles.update(m for m in hits if m)
            group_names = list(session.scalars(select(GroupRow.name)))
            app_roles: dict[str, list[str] | None] = {}
            apps = list(session.scalars(select(AppRow.id)))
            for row in rows:
                for app_id, _ in row.roles:
                    if app_id not in app_roles:
                        try:
                            app_roles[app_id] = DirectoryStore._app_roles(session, app_id)
                        except NotFoundError:
                            app_roles[app_id] = None
        for row in rows:
            found: list[str] = []
            login = row.values["login"]
            if login in taken_logins:
                found.append(_text("login_taken", locale, value=login))
            mobile = row.values.get("mobile")
            if mobile and mobile in taken_mobiles:
                found.append(_text("mobile_taken", locale, value=mobile))
            for app_id, role in row.roles:
                known = app_roles[app_id]
                if known is None:
                    hint = suggest(app_id, apps)
                    found.append(_text("role_unknown", locale, value=f"{app_id}:{role}", hint=hint))
                elif role not in known:
                    hint = suggest(role, known)
                    found.append(_text("role_unknown", locale, value=f"{app_id}:{role}", hint=hint))
            for group in row.groups:
                if group not in group_names:
                    hint = suggest(group, group_names)
                    found.append(_text("group_unknown", locale, value=group, hint=hint))
            if found:
                problems[row.number] = [_text("row", locale, row=row.number, message=m) for m in found]
        return problems

    def _create(self, rows: list[_Row], actor: str, data: bytes, file_name: str) -> dict[str, Any]:
        created: list[dict[str, Any]] = []
        passwords: list[dict[str, Any]] = []
        hashes = _hashes(rows)
        try:
            with self.database.transaction() as session:
                groups = {g.name: g.id for g in session.scalars(select(GroupRow))}
                now = utcnow()
                users: list[UserRow] = []
                for row in rows:
                    values = row.values
                    users.append(
                        UserRow(
                            id=uuid.uuid4().hex,
                            login=values["login"],
                            name=values.get("name") or values["login"],
                            mobile=values.get("mobile") or None,
                            email=values.get("email") or None,
                            active=True,
                            locale="zh-CN",
                            is_admin=False,
                            password_hash=hashes[row.number],
                            on_duty=False,
                            created_at=now,
                            failed_logins=0,
                        )
                    )
                # every user in one batch before what refers to them (the unit of work would not order them)
                session.add_all(users)
                session.flush()
                for row, user in zip(rows, users, strict=True):
                    session.add_all(UserRoleRow(user_id=user.id, app_id=a, role=r) for a, r in row.roles)
                    session.add_all(GroupMemberRow(group_id=groups[g], user_id=user.id) for g in row.groups)
                    details = {
                        "login": user.login,
                        "name": user.name,
                        "admin": False,
                        "roles": [f"{a}:{r}" for a, r in row.roles],
                        "groups": row.groups,
                        "communities": [],
                        "import_row": row.number,
                    }
                    session.add(
                        AuditEventRow(
                            actor=actor, action="user.create", subject_type="user", subject_id=user.id, details=details
                        )
                    )
                    created.append({"row": row.number, "id": user.id, "login": user.login})
                    if row.generated:
                        passwords.append({"row": row.number, "login": user.login, "password": row.values["password"]})
                digest = hashlib.sha256(data).hexdigest()
                summary = {"file_name": file_name[:200], "rows": len(rows), "sha256": digest}
                directory_module._audit(session, actor, "users.import", "import", digest[:16], summary)
        except IntegrityError:
            raise ConflictError(
                "a login or mobile number in the file was taken at the same moment; try again"
            ) from None
        return {"created": len(created), "users": created, "passwords": passwords}


def _hashes(rows: list[_Row]) -> dict[int, str]:
    """Row number -> password hash: chosen passwords at full cost on every core, generated ones cheaply."""
    chosen = [row for row in rows if not row.generated]
    generated = [row for row in rows if row.generated]
    with ThreadPoolExecutor(HASHING_THREADS) as pool:
        full = pool.map(directory_module.hash_password, [row.values["password"] for row in chosen])
        cheap = pool.map(_generated_hash, [row.values["password"] for row in generated])
        return dict(zip([row.number for row in chosen + generated], [*full, *cheap], strict=True))


def _generated_hash(password: str) -> str:
    """A generated one-time password in the same scrypt format, at GENERATED_SCRYPT_N."""
    n = min(GENERATED_SCRYPT_N, directory_module.SCRYPT_N)
    r, p = directory_module.SCRYPT_R, directory_module.SCRYPT_P
    salt = "".join(secrets.choice(directory_module._SALT_CHARS) for _ in range(16))
    return f"scrypt:{n}:{r}:{p}${salt}${directory_module._scrypt(password, salt, n, r, p)}"


# -- reading files ----------------------------------------------------------------------------


def read_table(data: bytes, locale: str = "zh-CN") -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the numbered rows of a CSV or XLSX file (a zip is taken for XLSX).

    Cell values are text, except XLSX formulas, which come back as ``_Formula`` so that each row
    can name the cell; blank rows are skipped but keep their numbers.
    """
    if len(data) > MAX_BYTES:
        raise _file_error("file_too_big", locale)
    if not data.strip():
        raise _file_error("file_empty", locale)
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
            raise _file_error("too_many_rows", locale, max=MAX_ROWS)
    if header is None:
        raise _file_error("file_empty", locale)
    return header, rows


@dataclass(frozen=True, slots=True)
class _Formula:
    text: str


def _csv_rows(data: bytes, locale: str) -> Iterator[tuple[int, list[Any]]]:
    if b"\x00" in data:
        raise _file_error("file_binary", locale)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("file_binary", locale) from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise _file_error("file_binary", locale)
    # the header decides the delimiter (Excel writes ';' in some regions); role cells hold ';' themselves
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter if first_line.count(delimiter) else ",")
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise SubmissionError(
            _text("file_binary", locale), {"file": [_text("file_binary", locale) + f" ({exc})"]}
        ) from None


def _xlsx_rows(data: bytes, locale: str) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # only storage reads spreadsheets; imported when one arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_error("file_xlsx", locale, reason="not a valid .xlsx (zip) file") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _file_error("file_xlsx", locale, reason="it expands to more than 50 MB")
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
        raise _file_error("file_xlsx", locale, reason=reason) from None


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


def _file_error(code: str, locale: str, **params: Any) -> SubmissionError:
    message = _text(code, locale, **params)
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
            problems.append(_text("header_unknown", locale, value=title[:50], known=known))
        elif key in columns:
            problems.append(_text("header_duplicate", locale, value=title[:50]))
        columns.append(key)
    if "login" not in columns:
        problems.append(_text("header_login", locale))
    if problems:
        raise SubmissionError(problems[0], {"header": problems})
    return columns


def _parse(
    header: list[str], raw_rows: list[tuple[int, list[Any]]], locale: str
) -> tuple[list[_Row], dict[int, list[str]]]:
    columns = _columns(header, locale)
    if not raw_rows:
        raise _file_error("no_rows", locale)
    titles = dict(zip(columns, header, strict=False))
    rows: list[_Row] = []
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
                found.append(_text("formula", locale, column=titles[key]))
                continue
            values[key] = str(cell).strip() if key != "password" else str(cell)
        row = _Row(number, values)
        found.extend(_row_problems(row, locale))
        if row.values.get("login"):
            other = seen_logins.setdefault(row.values["login"], number)
            if other != number:
                found.append(_text("login_duplicate", locale, value=row.values["login"], other=other))
        if row.values.get("mobile"):
            other = seen_mobiles.setdefault(row.values["mobile"], number)
            if other != number:
                found.append(_text("mobile_duplicate", locale, value=row.values["mobile"], other=other))
        if found:
            problems[number] = [_text("row", locale, row=number, message=m) for m in found]
        rows.append(row)
    return rows, problems


def _looks_like_formula(key: str, value: str) -> bool:
    """Spreadsheet formula injection: a cell that Excel would run if this file is opened again."""
    value = value.strip()
    if not value or value[0] not in "=+-@":
        return False
    return not (key == "mobile" and value[0] == "+")


def _row_problems(row: _Row, locale: str) -> list[str]:
    """Check and normalize one row in place (login lower-cased, mobile without spaces, lists split)."""
    values = row.values
    found: list[str] = []
    login = values.get("login", "").lower()
    values["login"] = login
    if not login:
        found.append(_text("login_missing", locale))
    elif not directory_module._LOGIN.fullmatch(login):
        found.append(_text("login_invalid", locale, value=login[:50]))
    elif directory_module._MOBILE.fullmatch(directory_module._normalize_mobile(login)):
        found.append(_text("login_mobile", locale))
    if len(values.get("name", "")) > 200:
        found.append(_text("name_long", locale))
    if values.get("mobile"):
        values["mobile"] = directory_module._normalize_mobile(values["mobile"])
        if not directory_module._MOBILE.fullmatch(values["mobile"]):
            found.append(_text("mobile_invalid", locale))
    email = values.get("email", "")
    if email and (len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        found.append(_text("email_invalid", locale, value=email[:60]))
    if values.get("password"):
        if len(values["password"]) < directory_module.MIN_PASSWORD_LENGTH:
            found.append(_text("password_short", locale, min=directory_module.MIN_PASSWORD_LENGTH))
        elif len(values["password"]) > directory_module.MAX_PASSWORD_LENGTH:
            found.append(_text("password_long", locale))
    else:
        values["password"] = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        row.generated = True
    for item in _split(values.get("roles", "")):
        match = _ROLE.fullmatch(item)
        if match is None:
            found.append(_text("role_invalid", locale, value=item[:60]))
        elif (match.group(1), match.group(2)) not in row.roles:
            row.roles.append((match.group(1), match.group(2)))
    row.groups = list(dict.fromkeys(_split(values.get("groups", ""))))
    return found


def _split(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]
