#!/usr/bin/env python3
"""Put a generated table into a file between its markers
"<!-- NAME-table:begin -->" and "<!-- NAME-table:end -->".
  put-table.py FILE NAME TABLE [--raw]   (default: in a ``` block)
"""
import sys

path, name, table = sys.argv[1:4]
raw = "--raw" in sys.argv[4:]
s = open(path).read()
b, e = f"<!-- {name}-table:begin -->", f"<!-- {name}-table:end -->"
if b not in s or e not in s:
    sys.exit(f"{path} has no {name}-table markers")
i, j = s.index(b) + len(b), s.index(e)
t = open(table).read()
s = s[:i] + "\n" + (t if raw else "```\n" + t + "```\n") + s[j:]
open(path, "w").write(s)
