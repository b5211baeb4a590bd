#!/usr/bin/env python3
"""Insert To: and Cc: headers, folded at 78 columns, after the Date:
header of a patch mail written by git format-patch."""
import sys

path, to, cc = sys.argv[1], sys.argv[2], sys.argv[3]


def fold(name, value):
    out, line = [], name + ": "
    for i, addr in enumerate(a.strip() for a in value.split(", ") if a.strip()):
        piece = addr + ("," if i < len([x for x in value.split(", ") if x.strip()]) - 1 else "")
        if len(line) + len(piece) + 1 > 78 and line.strip() != name + ":":
            out.append(line.rstrip())
            line = "    "
        line += piece + " "
    out.append(line.rstrip())
    return "\n".join(out) + "\n"


lines = open(path).read().split("\n")
out, done = [], False
for l in lines:
    if l.startswith(("To: ", "Cc: ")) and not done:
        continue
    out.append(l)
    if not done and l.startswith("Date: "):
        hdr = ""
        if to:
            hdr += fold("To", to)
        if cc:
            hdr += fold("Cc", cc)
        out.extend(hdr.rstrip("\n").split("\n"))
        done = True
open(path, "w").write("\n".join(out))
