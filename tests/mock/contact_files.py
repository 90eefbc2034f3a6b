"""What the contact CSV fixtures hold, and the recipe of the 10,000-row one.

`ten_thousand_csv()` made fixtures/files/contacts/ten_thousand.csv (run this module to
write it again); a test checks that the committed file still equals the recipe.
"""

from __future__ import annotations

from pathlib import Path

from mock.resources import fixtures_dir

CONTACTS = fixtures_dir() / "files" / "contacts"
TEN_THOUSAND = "contacts/ten_thousand.csv"

FIRST = ["Maria", "James", "Aisha", "Lars", "Priya", "Tom", "Ines", "Kenji", "Olga", "Sam",
         "Noor", "Diego", "Hana", "Omar", "Lena", "Raj", "Zoe", "Ivan", "Mei", "Ben"]
LAST = ["Lopez", "Chen", "Okafor", "Nilsson", "Raman", "Becker", "Moreau", "Sato", "Petrova",
        "Taylor", "Haddad", "Silva", "Kim", "Farah", "Weber", "Patel", "Brown", "Novak", "Wu",
        "Adams"]
STORES = ["Portland", "Seattle", "Boise", "Spokane", "Eugene"]


def ten_thousand_rows() -> list[tuple[str, str, str, str]]:
    """(phone, first_name, last_name, store) of each row: +1 202 555 0000 to 9999, in order."""
    return [(f"+1202555{i:04d}", FIRST[i % 20], LAST[i // 20 % 20], STORES[i % 5])
            for i in range(10_000)]


def ten_thousand_csv() -> bytes:
    lines = ["phone,first_name,last_name,store"] + [",".join(r) for r in ten_thousand_rows()]
    return ("\n".join(lines) + "\n").encode()


# The rows of with_bad_rows.csv that are not imported: (line, raw phone, reason).
BAD_ROWS = [
    (4, "555-01", "phone: not a valid phone number"),
    (5, None, "phone: missing"),
    (6, "+1 202 555 0100", "duplicate of row 2"),
    (7, "call me", "phone: not a valid phone number"),
    (11, "+12025550101", "duplicate of row 3"),
    (13, "+15555550100", "phone: not a valid phone number"),
]
# Its imported contacts in file order: (phone, first_name, last_name, custom_fields).
GOOD_ROWS = [
    ("+12025550100", "Maria", "Lopez", {"store": "Portland"}),
    ("+12025550101", "James", "Chen", {"store": "Seattle"}),
    ("+442079460958", "Olivia", "Brown", {"store": "London"}),
    ("+12025550103", "Lars", "Nilsson", {}),
    ("+12025550104", "Raman, Priya", None, {"store": "Seattle"}),
]


if __name__ == "__main__":
    Path(CONTACTS / "ten_thousand.csv").write_bytes(ten_thousand_csv())
