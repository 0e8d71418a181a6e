#!/usr/bin/env bash
# Make styles/icc/bookbuild-cmyk-tr001.icc, the print edition's PDF/X output intent (see
# styles/icc/README.md). Needs Debian's `argyll` package; run from the repository root.
set -euo pipefail
work=$(mktemp -d)
source=styles/icc/CGATS001Compat-v2-micro.icc
python3 - "$work" <<'PY'
import sys
steps = [0, 10, 20, 30, 40, 55, 70, 85, 100]
with open(f"{sys.argv[1]}/grid.txt", "w") as grid:
    for k in steps:
        for y in steps:
            for m in steps:
                for c in steps:
                    grid.write(f"{c / 100} {m / 100} {y / 100} {k / 100}\n")
PY
xicclu -ff -ip -pl -v0 "$source" < "$work/grid.txt" > "$work/lab.txt"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
grid = [line.split() for line in open(f"{work}/grid.txt")]
labs = [line.split() for line in open(f"{work}/lab.txt") if line.strip()]
rows = [f"{i} {' '.join('%.2f' % (float(v) * 100) for v in g)} {' '.join('%.4f' % float(v) for v in l[:3])}"
        for i, (g, l) in enumerate(zip(grid, labs), 1)]
header = f"""CTI3

DESCRIPTOR "Argyll Calibration Target chart information 3"
ORIGINATOR "bookbuild: sampled from CGATS001Compat-v2-micro.icc (CC0-1.0)"
CREATED "Sat Jan 01 00:00:00 2000"
DEVICE_CLASS "OUTPUT"
COLOR_REP "CMYK_LAB"

NUMBER_OF_FIELDS 8
BEGIN_DATA_FORMAT
SAMPLE_ID CMYK_C CMYK_M CMYK_Y CMYK_K LAB_L LAB_A LAB_B
END_DATA_FORMAT

NUMBER_OF_SETS {len(rows)}
BEGIN_DATA
"""
open(f"{work}/tr001.ti3", "w").write(header + "\n".join(rows) + "\nEND_DATA\n")
PY
(cd "$work" && colprof -ql -kr -l300 -L95 -D "bookbuild CMYK, CGATS TR 001 (SWOP) compatible" \
  -C "No copyright. Made from the CC0 CGATS001Compat-v2-micro profile." tr001)
cp "$work/tr001.icc" styles/icc/bookbuild-cmyk-tr001.icc
rm -rf "$work"
