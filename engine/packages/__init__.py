"""App packages: reading untrusted files, validating structure and meaning, the canonical form."""

from engine.packages.canonical import dumps, fingerprint
from engine.packages.reading import PackageReadError, parse_json, parse_package, read_package_file
from engine.packages.validation import PackageInvalidError, check_package, package_problems

__all__ = [
    "PackageInvalidError",
    "PackageReadError",
    "check_package",
    "dumps",
    "fingerprint",
    "package_problems",
    "parse_json",
    "parse_package",
    "read_package_file",
]
