"""App packages: reading untrusted files, upgrading old formats, validating, the canonical form."""

from engine.packages.canonical import dumps, fingerprint
from engine.packages.format_upgrade import CURRENT_FORMAT, FormatChain, upgrade_package
from engine.packages.reading import PackageReadError, parse_json, parse_package, read_package_file
from engine.packages.validation import PackageInvalidError, check_package, package_problems

__all__ = [
    "CURRENT_FORMAT",
    "FormatChain",
    "PackageInvalidError",
    "PackageReadError",
    "check_package",
    "dumps",
    "fingerprint",
    "package_problems",
    "parse_json",
    "parse_package",
    "read_package_file",
    "upgrade_package",
]
