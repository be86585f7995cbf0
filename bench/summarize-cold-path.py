#!/usr/bin/env python3
"""Prints bench/cold-path.sh's tables from its results file (medians per side and variant)."""
import statistics
import sys
from collections import defaultdict

PEER = {"process": 327.0, "init": 187.0, "first": 86.0, "rss": 61.0}  # issue 15's anchor (Node 20 peer)
runs = defaultdict(lambda: defaultdict(list))
archives, artifacts, order = {}, {}, []
for line in open(sys.argv[1]):
    if line.startswith("=="):
        print(line.rstrip())
        continue
    p = line.split()
    if p[1] == "archive":
        archives[(p[0], p[2])] = int(p[3])
        continue
    if p[1].startswith("classes-"):
        archives[(p[0], p[1])] = int(p[2])
        continue
    if p[1] == "artifact":
        artifacts[p[0]] = (int(p[2]), int(p[3]))
        continue
    if p[0] not in order:
        order.append(p[0])
    for kv in p[2:]:
        if "=" in kv:
            k, v = kv.split("=", 1)
            try:
                runs[(p[0], p[1])][k].append(float(v))
            except ValueError:
                pass


def med(n, m, k):
    v = runs.get((n, m), {}).get(k)
    return statistics.median(v) if v else None


def f(v, d=1):
    return "-" if v is None else f"{v:.{d}f}"


print()
print("Fresh process -> first response (ms, medians of %d JVMs per row, variants interleaved)"
      % len(runs.get((order[0], "17"), {}).get("process_to_first_response", [])))
print(f"{'side':8} {'variant':8} {'to 1st resp':>11} {'x peer':>7} {'JVM->main':>9} {'init':>8} {'1st inv':>8} "
      f"{'exit':>8} {'RSS MB':>7} {'load1':>10}")
for n in order:
    for v in ("17", "17-cds", "25", "25-cds", "25-aot"):
        if (n, v) not in runs:
            continue
        t = med(n, v, "process_to_first_response")
        loads = runs[(n, v)]["load1"]
        print(f"{n:8} {v:8} {f(t):>11} {f(t / PEER['process'] if t else None, 2):>7} {f(med(n, v, 'jvm_to_main')):>9} "
              f"{f(med(n, v, 'init')):>8} {f(med(n, v, 'first')):>8} {f(med(n, v, 'process_exit')):>8} "
              f"{f(med(n, v, 'rss_peak_mb'), 0):>7} {f(min(loads), 2) + '-' + f(max(loads), 2):>10}")
print(f"{'peer':8} {'node20':8} {PEER['process']:>11.1f} {1.0:>7.2f} {'':>9} {PEER['init']:>8.1f} {PEER['first']:>8.1f} "
      f"{'':>8} {PEER['rss']:>7.0f}   (issue 15's anchor, not measured here)")
print()
print("SnapStart path: init, priming hooks, then first invocation vs warm (the last half of the invocations; "
      "BENCH_SNAPSTART_INVOCATIONS, default 201); ms, medians; RSS = peak after all invocations")
print(f"{'side':8} {'JDK':4} {'init':>8} {'prime':>8} {'1st inv':>8} {'1st min-max':>13} {'warm p50':>9} {'1st/warm':>9} "
      f"{'vs peer 86':>10} {'RSS MB':>7} {'n':>3} {'load1':>10}")
for n in order:
    for v in ("17", "25"):
        m = "snapstart-" + v
        if (n, m) not in runs:
            continue
        first = med(n, m, "first")
        fs, loads = runs[(n, m)]["first"], runs[(n, m)]["load1"]
        print(f"{n:8} {v:4} {f(med(n, m, 'init')):>8} {f(med(n, m, 'prime')):>8} {f(first):>8} "
              f"{f(min(fs)) + '-' + f(max(fs)):>13} "
              f"{f(med(n, m, 'warm_p50'), 2):>9} {f(med(n, m, 'first_over_warm_p50')):>9} "
              f"{f(first / PEER['first'] if first else None, 2):>10} {f(med(n, m, 'rss_peak_mb'), 0):>7} "
              f"{len(fs):>3} {f(min(loads), 2) + '-' + f(max(loads), 2):>10}")
print()
print("Classes loaded (init + first invocation): " + ", ".join(
    f"{k[0]} JDK {k[1][8:]}: {v}" for k, v in sorted(archives.items()) if k[1].startswith("classes-")))
print("Archives: " + ", ".join(f"{k[1]} {v / 1e6:.1f} MB" for k, v in sorted(archives.items())
                               if not k[1].startswith("classes-")))
print("Deployment artifacts")
for n, (size, entries) in sorted(artifacts.items()):
    print(f"  {n:10} {size / 1e6:6.2f} MB ({size} bytes, {entries} entries)")
