#!/usr/bin/env python3
"""Prints bench/event-types.sh's table from its results file (medians per function and variant)."""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))
# Per typed JVM: the serializer's share of its own first invocation, serializer / (first - serializer). Both parts
# are measured in the same process at the same moment, so this ratio moves far less with the machine's load than
# the ratio of two medians taken in different JVMs. 1 + share bounds typed / stream from above: the rest of a typed
# invocation is the shipped handler's, which still includes the envelope parse a typed handler would skip.
shares = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("=="):
        print(line.rstrip())
        continue
    parts = line.split()
    d = {}
    for kv in parts[2:]:
        k, _, v = kv.partition("=")
        try:
            d[k] = float(v)
        except ValueError:
            pass
    if "serializer_first" in d and d["first"] > d["serializer_first"]:
        shares[(parts[0], parts[1])].append(d["serializer_first"] / (d["first"] - d["serializer_first"]))
    for kv in parts[2:]:
        if "=" in kv:
            k, v = kv.split("=", 1)
            try:
                runs[(parts[0], parts[1])][k].append(float(v))
            except ValueError:
                pass


def med(fn, mode, key):
    v = runs.get((fn, mode), {}).get(key)
    return statistics.median(v) if v else None


def share(fn, mode):
    v = shares.get((fn, mode))
    return "-" if not v else f"+{100 * statistics.median(v):.0f} % ({100 * min(v):.0f}-{100 * max(v):.0f})"


def pct(part, whole):
    return "-" if part is None or not whole else f"+{100 * part / whole:.0f} %"


def f(v):
    return "-" if v is None else f"{v:.1f}"


print()
print("SnapStart path: first invocation after init + priming hooks (ms, medians); warm = invocations 101-201")
print(f"{'function':9} {'stream 1st':>10} {'typed 1st':>10} {'typed/stream':>12} {'serializer 1st':>14} "
      f"{'serializer/stream 1st':>21} {'per-JVM share':>17} {'stream warm':>11} {'typed warm':>10} {'n':>3} {'load1':>10}")
for fn in ("webhook", "scaler", "reporter", "sweeper"):
    s, t = med(fn, "stream-primed", "first"), med(fn, "typed-primed", "first")
    loads = runs[(fn, "stream-primed")]["load1"] + runs[(fn, "typed-primed")]["load1"]
    print(f"{fn:9} {f(s):>10} {f(t):>10} {f(t / s if s and t else None):>12} "
          f"{f(med(fn, 'typed-primed', 'serializer_first')):>14} "
          f"{pct(med(fn, 'typed-primed', 'serializer_first'), s):>21} {share(fn, 'typed-primed'):>17} "
          f"{f(med(fn, 'stream-primed', 'warm_p50')):>11} "
          f"{f(med(fn, 'typed-primed', 'warm_p50')):>10} {len(runs[(fn, 'stream-primed')]['first']):>3} "
          f"{(f'{min(loads):.2f}-{max(loads):.2f}' if loads else '-'):>10}")
print()
print("Without SnapStart: fresh process -> first response (ms, medians)")
print(f"{'function':9} {'stream':>8} {'typed':>8} {'typed/stream':>12} {'init stream/typed':>18} "
      f"{'serializer 1st':>14} {'RSS stream/typed MB':>20}")
for fn in ("webhook", "scaler", "reporter", "sweeper"):
    s = med(fn, "stream-unprimed", "process_to_first_response")
    t = med(fn, "typed-unprimed", "process_to_first_response")
    print(f"{fn:9} {f(s):>8} {f(t):>8} {f(t / s if s and t else None):>12} "
          f"{f(med(fn, 'stream-unprimed', 'init')) + ' / ' + f(med(fn, 'typed-unprimed', 'init')):>18} "
          f"{f(med(fn, 'typed-unprimed', 'serializer_first')):>14} "
          f"{f(med(fn, 'stream-unprimed', 'rss_peak_mb')) + ' / ' + f(med(fn, 'typed-unprimed', 'rss_peak_mb')):>20}")
