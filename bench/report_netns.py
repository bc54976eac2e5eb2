#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report_netns.py RUN_DIR OUT_DIR: turn the namespace scenario of one
benchmark run (RUN_DIR/netns_*.csv, from bench/guest-netns) into
OUT_DIR/netns.csv (median, min, max per K and method), OUT_DIR/netns.md
(ratios to cat /proc/tcpstat_netns, the in-process reads) and
OUT_DIR/netns.png (log-log, read cost against namespaces, one line per
method).  report.py calls it too, to add the table to bench.md.
"""

import csv
import os
import statistics
import subprocess
import sys

from report import human, rows, secs, stats

BASE = "cat /proc/tcpstat_netns"
PORTS_BASE = "cat /proc/tcpstat_netns_ports"
# label in the raw CSV: what the table calls it
ORDER = {
    "cat /proc/tcpstat_netns": "(1) `cat /proc/tcpstat_netns`",
    "cat /proc/PID/net/tcpstat x K": "(2) `cat /proc/PID/net/tcpstat` × K (one `cat`, K files)",
    "tcpstat --all-netns --source netlink": "(3) `tcpstat --all-netns --source netlink`",
    "nsenter ss -tan | count x K": "(4) `nsenter -t PID -n ss -tan \\| count` × K (a shell loop)",
}
PORTS = {
    "cat /proc/tcpstat_netns_ports": "(5) `cat /proc/tcpstat_netns_ports`",
    "cat /proc/PID/net/tcpstat_ports x K": "(6) `cat /proc/PID/net/tcpstat_ports` × K (one `cat`, K files)",
    "ktcpstat --all-netns --ports": "(7) `ktcpstat --all-netns --ports` (5, with pids, owners and counters)",
    "owner_dump / PID x K": "(8) owner resolution alone (`owner_dump`, K namespaces)",
}
READS = {
    "read /proc/tcpstat_netns": "(1) in process: read /proc/tcpstat_netns",
    "read /proc/PID/net/tcpstat x K": "(2) in process: read /proc/PID/net/tcpstat × K",
    "read /proc/tcpstat_netns_ports": "(5) in process: read /proc/tcpstat_netns_ports",
    "read /proc/PID/net/tcpstat_ports x K": "(6) in process: read /proc/PID/net/tcpstat_ports × K",
}
# Read in turn, 21 rounds: the table's walk against the seed files'.
WALKS = {
    "walk /proc/tcpstat_netns_ports": "(5)",
    "walk /proc/tcpstat (seed)": "/proc/tcpstat",
    "walk /proc/PID/net/tcpstat (seed)": "a holder's /proc/PID/net/tcpstat",
}


def main(run, out):
    """Writes netns.{csv,md,png} and returns the lines of netns.md."""
    meta = dict(line.strip().split(",", 1) for line in open(os.path.join(run, "netns_meta.csv")))
    runs = rows(os.path.join(run, "netns_runs.csv"))
    reads = rows(os.path.join(run, "netns_reads.csv"))
    create = {int(r["k"]): r for r in rows(os.path.join(run, "netns_create.csv"))}
    ks = sorted({int(r["k"]) for r in runs})

    summary = {}
    for r in runs:
        s = summary.setdefault((int(r["k"]), r["method"]),
                               {"sockets": int(r["sockets"]), "wall": [], "cpu": [], "rss": []})
        s["wall"].append(float(r["wall_s"]))
        s["cpu"].append(float(r["user_s"]) + float(r["sys_s"]))
        s["rss"].append(int(r["maxrss_kb"]))
    inproc = {}
    for r in reads:
        s = inproc.setdefault((int(r["k"]), r["method"]),
                              {"sockets": int(r["sockets"]), "wall": [], "cpu": []})
        s["wall"].append(float(r["wall_s"]))
        s["cpu"].append(float(r["cpu_s"]))
    methods = [m for m in ORDER if any((k, m) in summary for k in ks)]
    ports_m = [m for m in PORTS if any((k, m) in summary for k in ks)]
    reads_m = [m for m in READS if any((k, m) in inproc for k in ks)]

    def wall(table, k, m):
        s = table.get((k, m))
        return statistics.median(s["wall"]) if s else None

    def per_ns(k):
        c = create.get(k)
        return int(c["per_ns"]) if c else None

    with open(os.path.join(out, "netns.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["k", "sockets", "per_ns", "method", "reps",
                    "wall_median_s", "wall_min_s", "wall_max_s",
                    "cpu_median_s", "cpu_min_s", "cpu_max_s",
                    "maxrss_median_kb", "maxrss_min_kb", "maxrss_max_kb"])
        for k in ks:
            for m in methods + ports_m:
                s = summary.get((k, m))
                if s:
                    w.writerow([k, s["sockets"], per_ns(k), m, len(s["wall"]),
                                *(f"{v:.6f}" for v in stats(s["wall"])),
                                *(f"{v:.6f}" for v in stats(s["cpu"])),
                                *stats(s["rss"])])
            for m in reads_m:
                s = inproc.get((k, m))
                if s:
                    w.writerow([k, s["sockets"], per_ns(k), f"in-process {m}", len(s["wall"]),
                                *(f"{v:.9f}" for v in stats(s["wall"])),
                                *(f"{v:.9f}" for v in stats(s["cpu"])), "", "", ""])

    # The plot: median wall time of one reading of every namespace against K.
    dat = os.path.join(out, "netns.dat")
    with open(dat, "w") as f:
        for table, names in ((summary, methods + ports_m), (inproc, reads_m)):
            for m in names:
                f.write(f'"{m.replace("x K", "× K")}{" (in process)" if table is inproc else ""}"\n')
                for k in ks:
                    t = wall(table, k, m)
                    if t is not None:
                        f.write(f"{k} {t:.9f}\n")
                f.write("\n\n")
    total = human(meta["total"])
    gp = f"""
set terminal pngcairo size 1300,650 font ",10"
set output "{os.path.join(out, 'netns.png')}"
set title "Every namespace's TCP counts and ports, {total} sockets over K namespaces ({meta['date']}, TCG)" noenhanced
set xlabel "network namespaces (K)"
set ylabel "wall time of one reading of all K (s, median)"
set logscale xy
set grid
set key outside right top noenhanced
set xrange [0.7:150]
set format y "10^{{%L}}"
plot for [i=0:{len(methods) + len(ports_m) + len(reads_m) - 1}] "{dat}" index i using 1:2 with linespoints lw 2 title columnheader(1)
"""
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    os.unlink(dat)

    # The tables: ratios to cat /proc/tcpstat_netns per K, then in process;
    # the same for the ports.
    lines = []
    lines.append(f"Measured {meta['date']} on {meta['kernel']} in a qemu TCG guest "
                 f"({meta['cpus']} vCPUs, {int(meta['mem_kb']) / 1024 / 1024:.0f} GiB, "
                 f"{abs(int(meta['ehash_buckets']))} ehash buckets, "
                 f"tcp_child_ehash_entries={meta.get('child_ehash_entries', '?')}: every "
                 f"namespace on the shared established hash). About {total} sockets "
                 "(ESTABLISHED pairs on loopback) spread evenly over K network namespaces; "
                 "the cost of reading the TCP state counts of every namespace. Median of "
                 "the repetitions; each method's time divided by the time of "
                 "`cat /proc/tcpstat_netns` at the same K (higher = slower than the module's "
                 "one walk).")
    lines.append("")
    def ratios(names, base, heads):
        """One row per method: its time over base's at each K."""
        lines.append("| method | " + " | ".join(heads) + " |")
        lines.append("|---" * (len(ks) + 1) + "|")
        for m in names:
            cells = []
            for k in ks:
                t, b = wall(summary, k, m), wall(summary, k, base)
                if t is None or b is None:
                    cells.append("")
                elif m == base:
                    cells.append(f"1 ({secs(t)})")
                else:
                    cells.append(f"{t / b:.1f}× ({secs(t)})")
            lines.append(f"| {ORDER.get(m) or PORTS[m]} | " + " | ".join(cells) + " |")

    ratios(methods, BASE, [f"K={k} ({human(per_ns(k))} per namespace)" if per_ns(k)
                           else f"K={k}" for k in ks])
    lines.append("")
    lines.append("| K | sockets | per namespace | created in | torn down in "
                 "| (1) one read, in process | (2) K reads, in process | (2) ÷ (1), in process "
                 "| (1) ns per socket |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for k in ks:
        c = create.get(k)
        one = wall(inproc, k, "read /proc/tcpstat_netns")
        many = wall(inproc, k, "read /proc/PID/net/tcpstat x K")
        n = (summary.get((k, BASE)) or {}).get("sockets")
        lines.append(
            f"| {k} | {n} | {per_ns(k)} | "
            f"{float(c['create_s']):.1f} s | {float(c['teardown_s']):.1f} s | "
            f"{secs(one) if one else ''} | {secs(many) if many else ''} | "
            f"{f'{many / one:.1f}×' if one and many else ''} | "
            f"{f'{one * 1e9 / n:.0f}' if one and n else ''} |")
    if ports_m:
        lines.append("")
        lines.append("The ports of every namespace (4 listeners in each, the pairs' server "
                     "sides on them); each method's time divided by the time of "
                     "`cat /proc/tcpstat_netns_ports` at the same K.")
        lines.append("")
        ratios(ports_m, PORTS_BASE, [f"K={k}" for k in ks])
        lines.append("")
        lines.append("| K | (5) one read, in process | (6) K reads, in process "
                     "| (6) ÷ (5), in process | (5), read in turn with the seed files "
                     "| /proc/tcpstat | a holder's /proc/PID/net/tcpstat "
                     "| (5) ÷ /proc/tcpstat | (5) ÷ a holder's |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for k in ks:
            one = wall(inproc, k, "read /proc/tcpstat_netns_ports")
            many = wall(inproc, k, "read /proc/PID/net/tcpstat_ports x K")
            w = {m: wall(inproc, k, m) for m in WALKS}
            table = w["walk /proc/tcpstat_netns_ports"]
            seeds = [w["walk /proc/tcpstat (seed)"], w["walk /proc/PID/net/tcpstat (seed)"]]
            lines.append(
                f"| {k} | {secs(one) if one else ''} | {secs(many) if many else ''} | "
                f"{f'{many / one:.1f}×' if one and many else ''} | "
                + " | ".join(secs(t) if t else "" for t in [table] + seeds) + " | "
                + " | ".join(f"{table / t:.2f}×" if table and t else "" for t in seeds)
                + " |")
    with open(os.path.join(out, "netns.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: report_netns.py RUN_DIR OUT_DIR")
    print("\n".join(main(sys.argv[1], sys.argv[2])))
