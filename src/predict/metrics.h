#pragma once
// Accuracy metrics of a predictor over held-out (predicted, measured) pairs. Pure functions.
#include <span>

namespace accelbench::predict {

// Mean of |pred - meas| / meas, as a fraction (0.1 = 10%). Requires equal sizes, meas > 0.
double MeanAbsPercentageError(std::span<const double> pred, std::span<const double> meas);
// Share of pairs with |pred - meas| / meas <= tolerance (0.10 for +-10%).
double ShareWithin(std::span<const double> pred, std::span<const double> meas, double tolerance);
// Spearman rank correlation (average ranks for ties; Pearson of the ranks). NaN when n < 2 or a
// side is constant.
double Spearman(std::span<const double> a, std::span<const double> b);
// Share of measurements inside [low, high].
double Coverage(std::span<const double> low, std::span<const double> high,
                std::span<const double> meas);
// Split-conformal half-width: the ceil((n+1)(1-alpha))-th smallest absolute residual
// (infinity when n is too small for that level).
double ConformalQuantile(std::span<const double> abs_residuals, double alpha);

}  // namespace accelbench::predict
