#!/usr/bin/env python3
"""Prints the cold-start table from bench/target/cold/results.txt (written by bench/cold-start.sh)."""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))  # (name, mode) -> key -> values
classes, artifacts = {}, {}
for line in open(sys.argv[1]):
    parts = line.split()
    name, mode = parts[0], parts[1]
    if mode == "classes":
        classes[name] = int(parts[2])
        continue
    if mode == "artifact":
        artifacts[name] = (int(parts[2]), int(parts[3]))
        continue
    for kv in parts[2:]:
        if "=" in kv:
            k, v = kv.split("=", 1)
            try:
                runs[(name, mode)][k].append(float(v))
            except ValueError:
                pass


def med(name, mode, key):
    values = runs.get((name, mode), {}).get(key)
    return statistics.median(values) if values else None


def fmt(v, unit=""):
    return "-" if v is None else f"{v:.1f}{unit}"


names = [n for n, m in runs if m == "cold"]
names = list(dict.fromkeys(names))
hello = med("hello", "cold", "process_exit")
print()
print("Cold start (median of %d fresh JVMs per side; ms)" % len(runs[("hello", "cold")]["process_exit"]))
print(f"{'side':10} {'process':>9} {'x hello':>8} {'jvm->main':>10} {'init':>8} {'1st inv':>8} "
      f"{'RSS MB':>7} {'classes':>8} {'AppCDS process':>15}")
for n in names:
    p = med(n, "cold", "process_exit")
    cds = med(n, "appcds", "process_exit")
    print(f"{n:10} {fmt(p):>9} {fmt(p / hello if p and hello else None):>8} {fmt(med(n, 'cold', 'jvm_to_main')):>10} "
          f"{fmt(med(n, 'cold', 'init')):>8} {fmt(med(n, 'cold', 'first')):>8} {fmt(med(n, 'cold', 'rss_peak_mb')):>7} "
          f"{classes.get(n, '-'):>8} {fmt(cds):>15}")
print()
print("SnapStart view (median of 3 JVMs; ms): init + priming hooks, then invocation 1 vs warm (invocations 201-401)")
print(f"{'side':10} {'mode':9} {'init':>8} {'prime':>8} {'1st inv':>8} {'warm p50':>9} {'warm p99':>9} {'1st/warm':>9}")
for n in names:
    for mode in ("unprimed", "snapstart"):
        if (n, mode) in runs:
            print(f"{n:10} {mode:9} {fmt(med(n, mode, 'init')):>8} {fmt(med(n, mode, 'prime')):>8} "
                  f"{fmt(med(n, mode, 'first')):>8} {fmt(med(n, mode, 'warm_p50')):>9} "
                  f"{fmt(med(n, mode, 'warm_p99')):>9} {fmt(med(n, mode, 'first_over_warm_p50')):>9}")
print()
print("Deployment artifacts")
for n, (size, entries) in sorted(artifacts.items()):
    print(f"  {n:10} {size / 1e6:6.2f} MB ({size} bytes, {entries} entries)")
