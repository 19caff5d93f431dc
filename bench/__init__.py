"""Benchmarks of Plotting Partnerships at portfolio scale: `python -m bench` (`make bench`).

Every measurement is a ratio against a baseline measured in the same run, interleaved
(baseline, subject, baseline, subject…), with medians over repeats, because the machine
is shared and absolute timings are noisy. Benchmarks are not tests: nothing here asserts
a timing; `tests/unit/test_bench_smoke.py` only runs the code on a tiny dataset.
"""
