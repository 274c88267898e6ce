#!/usr/bin/env python3
"""Reference values for the drift statistics (src-main/core/monitoring/drift), from scipy.

Run:  python3 test/reference/drift_reference.py > test/reference/drift_reference.json
CI has no Python: the JSON is committed and distances.test.ts / hypothesis.test.ts /
adult-drift.test.ts assert against it. Every input is in this file (or adult.csv), so the
numbers can be re-derived by anyone with numpy and scipy.
"""
import csv
import json
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

out = {"generated_by": "test/reference/drift_reference.py", "numpy": np.__version__, "scipy": scipy.__version__}

# Jensen-Shannon distance, base 2, on raw counts (scipy normalises them), zeros included.
js_cases = [
    ([10, 20, 30, 40], [40, 30, 20, 10]),
    ([1, 0, 0], [0, 1, 0]),
    ([5, 5, 0, 10], [5, 5, 0, 10]),
    ([120, 340, 90, 0, 15], [100, 300, 150, 25, 0]),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]),
]
out["jensenshannon"] = [
    {"p": p, "q": q, "distance": float(distance.jensenshannon(p, q, base=2))} for p, q in js_cases
]

# Chi-square homogeneity on 2 x B tables with every expected count >= 5 (no pooling needed),
# Pearson's X^2 without Yates' correction.
chi_cases = [
    ([200, 300, 500], [30, 45, 25]),
    ([1000, 2000, 1500, 500], [110, 190, 160, 40]),
    ([50, 50], [30, 70]),
    ([400, 250, 150, 100, 60, 40], [60, 70, 20, 20, 15, 15]),
]
out["chi2_contingency"] = []
for r, c in chi_cases:
    res = stats.chi2_contingency(np.array([r, c]), correction=False)
    out["chi2_contingency"].append(
        {"reference": r, "current": c, "statistic": float(res.statistic), "pvalue": float(res.pvalue), "dof": int(res.dof)}
    )

# Kolmogorov distribution survival function.
xs = [0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.17, 1.18, 1.19, 1.36, 1.6, 2.0, 2.5, 3.0, 4.0, 6.0]
out["kolmogorov"] = [{"x": x, "sf": float(special.kolmogorov(x))} for x in xs]

# Two-sample KS and Wasserstein-1 on discrete data (each value gets its own bin, so binned = raw).
discrete_cases = [
    {"values": [0, 1, 2, 3, 4, 5], "reference": [120, 300, 250, 180, 100, 50], "current": [40, 80, 90, 70, 60, 60]},
    {"values": [1, 2, 5, 10, 20], "reference": [500, 300, 100, 60, 40], "current": [300, 300, 200, 100, 100]},
    {"values": [-3, 0, 0.5, 7], "reference": [10, 400, 400, 190], "current": [12, 380, 410, 198]},
]
out["discrete"] = []
for case in discrete_cases:
    ref = np.repeat(case["values"], case["reference"])
    cur = np.repeat(case["values"], case["current"])
    ks = stats.ks_2samp(ref, cur, method="asymp")
    out["discrete"].append(
        {**case, "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
         "wasserstein": float(stats.wasserstein_distance(ref, cur))}
    )

# Continuous data: binned estimates are approximations of these raw-data values.
rng = np.random.default_rng(20240615)
cont = []
for shift, scale, n_ref, n_cur in [(0.0, 1.0, 4000, 1500), (0.3, 1.0, 4000, 1500), (0.0, 1.5, 4000, 1500), (1.0, 0.7, 4000, 800)]:
    ref = np.round(rng.normal(0, 1, n_ref), 4)
    cur = np.round(rng.normal(shift, scale, n_cur), 4)
    ks = stats.ks_2samp(ref, cur, method="asymp")
    cont.append({
        "shift": shift, "scale": scale, "reference_values": ref.tolist(), "current_values": cur.tolist(),
        "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
        "wasserstein": float(stats.wasserstein_distance(ref, cur)), "reference_std": float(np.std(ref, ddof=1)),
    })
out["continuous"] = cont

# Benjamini-Hochberg adjusted p-values.
bh_cases = [
    [0.01, 0.04, 0.03, 0.005, 0.5, 0.2],
    [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
    [0.9, 0.8, 0.7],
    [0.0, 1.0, 0.5, 0.5],
]
out["benjamini_hochberg"] = [
    {"p": ps, "adjusted": [float(x) for x in stats.false_discovery_control(ps, method="bh")]} for ps in bh_cases
]

# Adult: reference = rows whose 0-based index is not a multiple of 5, held-out = the others;
# scenario "age>=50" = held-out rows with age >= 50. Raw-data statistics per feature.
NUMERIC = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
with open("test/fixtures/adult.csv", newline="") as f:
    reader = csv.reader(f, skipinitialspace=True)
    header = next(reader)
    rows = [r for r in reader if r]
ref_rows = [r for i, r in enumerate(rows) if i % 5 != 0]
held = [r for i, r in enumerate(rows) if i % 5 == 0]
scenarios = {"held_out": held, "age_50_plus": [r for r in held if int(r[0]) >= 50]}
adult = {}
for scenario, cur_rows in scenarios.items():
    per = {}
    for j, col in enumerate(header[:-1]):
        if col in NUMERIC:
            ref = np.array([float(r[j]) for r in ref_rows])
            cur = np.array([float(r[j]) for r in cur_rows])
            ks = stats.ks_2samp(ref, cur, method="asymp")
            per[col] = {"ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
                        "wasserstein_norm": float(stats.wasserstein_distance(ref, cur) / np.std(ref, ddof=1))}
        else:
            cats = sorted({r[j] for r in ref_rows} | {r[j] for r in cur_rows})
            table = np.array([[sum(1 for r in ref_rows if r[j] == c) for c in cats],
                              [sum(1 for r in cur_rows if r[j] == c) for c in cats]])
            res = stats.chi2_contingency(table, correction=False)
            per[col] = {"chi2_pvalue": float(res.pvalue), "categories": len(cats)}
    adult[scenario] = {"rows": len(cur_rows), "features": per}
out["adult"] = {"reference_rows": len(ref_rows), **adult}

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
