"""A/B experiments: the statistics that turn per-variant sums into decisions.

The modules here are pure (numpy and scipy only) so that the service can feed them
sufficient statistics straight from SQL aggregates:

* :mod:`~uxlift.experiments.statistics`: per-variant sums (proportions, means, ratios,
  CUPED-adjusted means) and their means and variances;
* :mod:`~uxlift.experiments.cuped`: variance reduction with a pre-period covariate;
* :mod:`~uxlift.experiments.frequentist`: Welch's t test and the two-proportion z test;
* :mod:`~uxlift.experiments.sequential`: always-valid confidence sequences (safe to peek);
* :mod:`~uxlift.experiments.bayesian`: Gaussian posterior, chance to win, expected loss;
* :mod:`~uxlift.experiments.srm`: sample-ratio-mismatch check of the traffic split;
* :mod:`~uxlift.experiments.corrections`: Holm and Benjamini–Hochberg adjusted p-values;
* :mod:`~uxlift.experiments.bandit`: Thompson-sampling traffic allocation;
* :mod:`~uxlift.experiments.analysis`: the one entry point that combines them.
"""
