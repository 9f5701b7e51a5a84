#!/usr/bin/env python3
"""The Python side of bench/pdf.sh: what users do today, Python pdfplumber
`extract_tables()` (lines strategy) on every page of each PDF given, then
nothing more (no reading of the rows into indicators). Prints
`files pages table_rows`."""

import sys

import pdfplumber

files = pages = rows = 0
for path in sys.argv[1:]:
    files += 1
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages += 1
            for table in page.extract_tables():
                rows += len(table)
print(files, pages, rows)
