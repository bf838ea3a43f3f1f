#!/usr/bin/env python3
"""Turns a JMH JSON result (java -jar benchmarks.jar ... -rf json -rff result.json) into a Markdown table.

Usage: python3 benchmarks/report.py result.json [more.json ...]   (several files: their rows are concatenated)

Per row: the JMH score, MB/s (MB = 10^6 bytes), for ingest the ratio ingest / min(sha256, writeFsync) at the same
size (the lower bare limit, from the same run), the ratio ingest / sha256WhileWriteFsync (both bare operations at once
on two threads: what a two-thread design can reach on this machine), and where measured the process CPU seconds per GiB (IngestBenchmark:
cpuNanos / bytes over the measurement iterations; process CPU time, so GC and JIT threads included).
"""
import json
import sys

TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


def seconds_per_op(metric):
    """Seconds per operation from a primary metric in avgt (x/op) or thrpt (ops/x) mode."""
    unit = metric["scoreUnit"]
    if unit.endswith("/op"):
        return metric["score"] * TIME_UNITS[unit[:-3]]
    if unit.startswith("ops/"):
        return TIME_UNITS[unit[4:]] / metric["score"]
    raise ValueError("unknown unit " + unit)


def bytes_per_op(bench):
    name = bench["benchmark"].rsplit(".", 2)
    cls, method = name[-2], name[-1]
    params = bench.get("params", {})
    if cls == "ReadBenchmark":
        return int(params["range"] if method == "readRange" else params["size"])
    return int(params["size"])


def main(paths):
    results = []
    for path in paths:
        with open(path) as f:
            results.extend(json.load(f))
    rows = []
    for b in results:
        cls, method = b["benchmark"].rsplit(".", 2)[-2:]
        size = bytes_per_op(b)
        spo = seconds_per_op(b["primaryMetric"])
        mbps = size / spo / 1e6
        sec = b.get("secondaryMetrics", {})
        cpu = None
        if "cpuNanos" in sec and "bytes" in sec and sec["bytes"]["score"] > 0:
            cpu = sec["cpuNanos"]["score"] / 1e9 / (sec["bytes"]["score"] / 2**30)
        rows.append(dict(cls=cls, method=method, threads=b["threads"], size=size, metric=b["primaryMetric"],
                         mbps=mbps, cpu=cpu))

    limits = {}
    for r in rows:
        if r["cls"] == "IngestBenchmark" and r["method"] in ("sha256", "writeFsync", "sha256WhileWriteFsync"):
            limits.setdefault(r["size"], {})[r["method"]] = r["mbps"]

    def human(n):
        for unit, div in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
            if n >= div and n % div == 0:
                return "%d %s" % (n // div, unit)
        return "%d B" % n

    print("| benchmark | threads | bytes/op | score | MB/s | ingest / min(sha256, write+fsync) "
          "| ingest / both at once | CPU-s/GiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        m = r["metric"]
        err = float(m["scoreError"])  # JMH writes "NaN" (a string) when there are too few iterations
        score = "%.3f %s" % (m["score"], m["scoreUnit"]) if err != err \
            else "%.3f ± %.3f %s" % (m["score"], err, m["scoreUnit"])
        ratio = both = ""
        lim = limits.get(r["size"], {})
        bare = {k: v for k, v in lim.items() if k in ("sha256", "writeFsync")}
        if r["cls"] == "IngestBenchmark" and r["method"] == "ingest":
            if len(bare) == 2:
                ratio = "%.2f (lower: %s)" % (r["mbps"] / min(bare.values()), min(bare, key=bare.get))
            if "sha256WhileWriteFsync" in lim:
                both = "%.2f" % (r["mbps"] / lim["sha256WhileWriteFsync"])
        cpu = "%.2f" % r["cpu"] if r["cpu"] is not None else ""
        mbps = "%.0f" % r["mbps"] if r["mbps"] >= 10 else "%.1f" % r["mbps"]
        print("| %s.%s | %d | %s | %s | %s | %s | %s | %s |" % (
            r["cls"], r["method"], r["threads"], human(r["size"]), score, mbps, ratio, both, cpu))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
