#!/usr/bin/env python3
"""What the deployment artifacts are made of: compressed bytes per library in each deployed function jar
(shaded, then shrunk by ProGuard; pass target/<name>-shaded.jar to see the jar before shrinking).

Usage: bench/artifact-breakdown.py [jar...]   (default: functions/*/target/<name>-function.jar)
Prints, per jar, the total (Lambda counts the zip file, which is the jar) and the largest groups of entries, grouped
by package prefix (software/amazon/awssdk/services/<service>, org/apache/logging/log4j/<module>, com/fasterxml/...).
"""
import glob
import os
import sys
import zipfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOALS = {"webhook": 8e6, "scaler": 12e6}  # issue 15


def group(name):
    parts = name.split("/")
    if name.startswith("software/amazon/awssdk/services/"):
        return "/".join(parts[:5])
    if name.startswith("software/amazon/awssdk/"):
        return "/".join(parts[:4])
    if name.startswith(("org/apache/logging/log4j/", "com/fasterxml/jackson/", "software/amazon/lambda/powertools/")):
        return "/".join(parts[:4])
    if name.startswith("META-INF/"):
        return "META-INF"
    return "/".join(parts[:3]) if len(parts) > 3 else "/".join(parts[:-1]) or name


jars = sys.argv[1:] or sorted(j for j in glob.glob(os.path.join(ROOT, "functions/*/target/*-function.jar"))
                              if not os.path.basename(j).startswith("original-"))
for jar in jars:
    fn = os.path.basename(jar).replace("-function.jar", "")
    size = os.path.getsize(jar)
    sizes, counts = Counter(), Counter()
    with zipfile.ZipFile(jar) as z:
        for info in z.infolist():
            g = group(info.filename)
            sizes[g] += info.compress_size
            counts[g] += 1
    goal = GOALS.get(fn)
    print(f"{fn}: {size / 1e6:.2f} MB, {sum(counts.values())} entries"
          + (f"; goal {goal / 1e6:.0f} MB, {(size - goal) / 1e6:+.2f} MB to go" if goal else ""))
    for g, b in sizes.most_common(12):
        print(f"  {b / 1e6:6.2f} MB  {counts[g]:5d}  {g}")
