#!/usr/bin/env python3
"""Side by side with what a user would otherwise run: checkov's Kubernetes scan on the same
manifests of a gen-monorepo tree. For each injected fault (faults.tsv) it asks whether
checkov reports anything on that service's manifest that it does not also report on every
healthy service's manifest -- i.e. whether checkov's output could point a user at the fault.

Usage: benches/checkov-compare.py TREE [CHECKOV]   (CHECKOV defaults to `checkov` on PATH)
"""
import collections, json, subprocess, sys, time

tree = sys.argv[1]
checkov = sys.argv[2] if len(sys.argv) > 2 else "checkov"
faults = [l.split("\t") for l in open(f"{tree}/faults.tsv").read().splitlines() if l]
faulty = {svc for _, svc in faults}

t = time.time()
out = subprocess.run([checkov, "-d", f"{tree}/deploy/k8s", "--framework", "kubernetes", "-o", "json", "--quiet", "--compact"],
                     capture_output=True, text=True)
elapsed = time.time() - t
data = json.loads(out.stdout)
reports = data if isinstance(data, list) else [data]
failed = collections.defaultdict(set)   # service -> failed check ids
total = 0
for r in reports:
    for c in r.get("results", {}).get("failed_checks", []):
        svc = c["file_path"].rsplit("/", 1)[-1].removesuffix(".yaml")
        failed[svc].add(c["check_id"])
        total += 1
healthy_sets = [failed[s] for s in failed if s not in faulty]
common = set.intersection(*healthy_sets) if healthy_sets else set()
caught = sum(1 for _, svc in faults if failed[svc] - common)
print(f"checkov: {total} failed checks in {elapsed:.1f} s; checks failing on every healthy service too: {len(common)}; "
      f"injected faults with a distinguishing finding: {caught}/{len(faults)}")
