"""Reference values for src-main/core/experiments/stats/paired.test.ts, computed with scipy.

Run: /usr/bin/python3 test/reference/paired_reference.py (prints the values the tests assert).
Published values (Agresti 2002 Table 10.1; R's ?mcnemar.test and ?t.test examples) are checked
against scipy here too, so a transcription error would show.
"""
import numpy as np
from scipy import stats
from scipy.optimize import brentq

# McNemar with continuity correction on Agresti's approval table: R prints 16.818, p = 4.115e-05
b, c = 150, 86
x2 = (abs(b - c) - 1) ** 2 / (b + c)
print("mcnemar", round(x2, 3), stats.chi2.sf(x2, 1))

# paired proportion difference: (86 - 150) / 1600 = -0.04, SE 0.0095
n = 1600
se = np.sqrt(((b + c) / n - ((b - c) / n) ** 2) / n)
print("paired difference", (c - b) / n, "se", se, "ci", (c - b) / n - 1.959964 * se, (c - b) / n + 1.959964 * se)

# Student's sleep data: R prints t = -4.0621, df = 9, p = 0.002833, CI -2.4598858 -0.7001142
g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
r = stats.ttest_rel(g1, g2)
print("paired t", r.statistic, r.pvalue, r.confidence_interval())


def paired_power(n, d, sd=1.0, a=0.05):
    df = n - 1
    nc = d / sd * np.sqrt(n)
    t = stats.t.ppf(1 - a / 2, df)
    return stats.nct.sf(t, df, nc) + stats.nct.cdf(-t, df, nc)


# R's power.t.test(delta = 1, sd = 1, power = 0.8, type = "paired") prints n = 9.937864
print("paired n d=1", brentq(lambda n: paired_power(n, 1) - 0.8, 2.5, 50))
print("paired n d=0.5", brentq(lambda n: paired_power(n, 0.5) - 0.8, 2.5, 80))


def connor(p10, p01, a=0.05, power=0.8):
    psi = p10 + p01
    d = p01 - p10
    za, zb = stats.norm.ppf(1 - a / 2), stats.norm.ppf(power)
    return (za * np.sqrt(psi) + zb * np.sqrt(psi - d * d)) ** 2 / (d * d)


print("connor 0.1 0.2", connor(0.1, 0.2), "connor 0.05 0.1", connor(0.05, 0.1))
