#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py RUN_DIR OUT_DIR: turn one benchmark run into
OUT_DIR/bench.csv (median, min, max per scale and method), OUT_DIR/bench.md
(ratios to cat /proc/tcpstat, the walk against the floor) and
OUT_DIR/bench.png (log-log, read cost against sockets, one line per method).
When the run has the namespace scenario (RUN_DIR/netns_*.csv), also
OUT_DIR/netns.{csv,md,png} (report_netns.py), and its tables in bench.md.
"""

import csv
import os
import statistics
import subprocess
import sys

BASE = "cat /proc/tcpstat"
ORDER = [
    "cat /proc/tcpstat", "cat /proc/net/tcpstat", "tcpstat --source module",
    "tcpstat --source netlink", "tcpstat --source procfs", "ss -tan | count",
    "ss -s", "psutil",
]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def stats(values):
    return statistics.median(values), min(values), max(values)


def human(n):
    n = int(n)
    if n >= 1000000 and n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def secs(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def main(run, out):
    meta = dict(line.strip().split(",", 1) for line in open(os.path.join(run, "meta.csv")))
    runs = rows(os.path.join(run, "runs.csv"))
    reads = rows(os.path.join(run, "reads.csv"))
    floor = {r["scale"]: r for r in rows(os.path.join(run, "floor.csv"))}
    create = {r["scale"]: r for r in rows(os.path.join(run, "create.csv"))}
    scales = sorted({int(r["scale"]) for r in runs})

    summary = {}
    for r in runs:
        key = (int(r["scale"]), r["method"])
        s = summary.setdefault(key, {"sockets": [], "wall": [], "cpu": [], "rss": []})
        s["sockets"].append(int(r["sockets"]))
        s["wall"].append(float(r["wall_s"]))
        s["cpu"].append(float(r["user_s"]) + float(r["sys_s"]))
        s["rss"].append(int(r["maxrss_kb"]))
    methods = [m for m in ORDER if any((sc, m) in summary for sc in scales)]

    with open(os.path.join(out, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scale", "sockets", "method", "reps",
                    "wall_median_s", "wall_min_s", "wall_max_s",
                    "cpu_median_s", "cpu_min_s", "cpu_max_s",
                    "maxrss_median_kb", "maxrss_min_kb", "maxrss_max_kb"])
        for sc in scales:
            for m in methods:
                s = summary.get((sc, m))
                if not s:
                    continue
                w.writerow([sc, statistics.median(s["sockets"]), m, len(s["wall"]),
                            *(f"{v:.6f}" for v in stats(s["wall"])),
                            *(f"{v:.6f}" for v in stats(s["cpu"])),
                            *stats(s["rss"])])
        for sc in scales:
            rd = [float(r["wall_s"]) for r in reads if int(r["scale"]) == sc]
            fl = floor.get(str(sc))
            if rd:
                n = next(r["sockets"] for r in reads if int(r["scale"]) == sc)
                w.writerow([sc, n, "in-process read of /proc/tcpstat", len(rd),
                            *(f"{v:.9f}" for v in stats(rd)), "", "", "", "", "", ""])
            if fl:
                w.writerow([sc, fl["sockets"], "floor: linked-list walk", 7,
                            fl["walk_s"], "", "", "", "", "", "", "", ""])

    # The plot: median wall time of one reading against sockets.
    dat = os.path.join(out, "bench.dat")
    with open(dat, "w") as f:
        for m in methods + ["floor"]:
            f.write(f'"{m}"\n')
            for sc in scales:
                if m == "floor":
                    fl = floor.get(str(sc))
                    if fl:
                        f.write(f"{fl['sockets']} {float(fl['walk_s']):.9f}\n")
                    continue
                s = summary.get((sc, m))
                if s:
                    f.write(f"{statistics.median(s['sockets'])} {statistics.median(s['wall']):.9f}\n")
            f.write("\n\n")
    gp = f"""
set terminal pngcairo size 1000,650 font ",10"
set output "{os.path.join(out, 'bench.png')}"
set title "Cost of one reading of per-state TCP counts ({meta['kernel']}, qemu TCG guest, {meta['date']})"
set xlabel "sockets"
set ylabel "wall time of one reading (s, median)"
set logscale xy
set grid
set key left top
set format x "10^{{%L}}"
set format y "10^{{%L}}"
plot for [i=0:{len(methods)}] "{dat}" index i using 1:2 with linespoints lw 2 title columnheader(1)
"""
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    os.unlink(dat)

    # The table: ratios to cat /proc/tcpstat, per scale.
    lines = []
    lines.append(f"Measured {meta['date']} on {meta['kernel']} in a qemu TCG guest "
                 f"({meta['cpus']} vCPUs, {int(meta['mem_kb']) // 1024 // 1024} GiB, "
                 f"{abs(int(meta['ehash_buckets']))} ehash buckets). "
                 "Median of the repetitions; each method's time divided by the time of "
                 "`cat /proc/tcpstat` at the same scale (higher = slower than the module).")
    lines.append("")
    head = "| method | " + " | ".join(human(sc) for sc in scales) + " |"
    lines.append(head)
    lines.append("|---" * (len(scales) + 1) + "|")
    for m in methods:
        cells = []
        for sc in scales:
            s, b = summary.get((sc, m)), summary.get((sc, BASE))
            if not s or not b:
                cells.append("")
                continue
            wall = statistics.median(s["wall"])
            if m == BASE:
                cells.append(f"1 ({secs(wall)})")
            else:
                cells.append(f"{wall / statistics.median(b['wall']):.1f}× ({secs(wall)})")
        label = m.replace("|", "\\|")  # a pipe inside a table cell
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| scale | sockets created in | one read of /proc/tcpstat, in process | ns per socket | floor (list walk), ns per node | walk ÷ floor | tcpstat peak RSS (module / netlink / procfs) |")
    lines.append("|---|---|---|---|---|---|---|")
    for sc in scales:
        rd = [float(r["wall_s"]) for r in reads if int(r["scale"]) == sc]
        n = int(next(r["sockets"] for r in reads if int(r["scale"]) == sc))
        fl = floor.get(str(sc))
        walk = statistics.median(rd)
        ns = walk * 1e9 / n
        fl_ns = float(fl["ns_per_node"]) if fl else float("nan")
        rss = " / ".join(f"{statistics.median(summary[(sc, m)]['rss'])} kB"
                         for m in ("tcpstat --source module", "tcpstat --source netlink",
                                   "tcpstat --source procfs") if (sc, m) in summary)
        c = create.get(str(sc))
        lines.append(f"| {human(sc)} | {float(c['create_s']):.1f} s | {secs(walk)} | {ns:.0f} | "
                     f"{fl_ns:.0f} | {ns / fl_ns:.2f} | {rss} |")
    if os.path.exists(os.path.join(run, "netns_runs.csv")):
        import report_netns  # beside this file; it imports this one

        lines.append("")
        lines.append("Every namespace's counts, read four ways (`netns.md`, `netns.png`):")
        lines.append("")
        lines.extend(report_netns.main(run, out))
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RUN_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])
