// Unit tests of the shared Hencky / exponential-map kernel (hencky.h).
#include <cmath>
#include <deal.II/base/symmetric_tensor.h>
#include <gtest/gtest.h>
#include <micropillar/constitutive/hencky.h>

using namespace micropillar::constitutive;
using hencky::SymTensor2;
using hencky::SymTensor4;

namespace
{
  SymTensor2
  spd(const double a, const double b, const double c, const double shear)
  {
    SymTensor2 A;
    A[0][0] = a;
    A[1][1] = b;
    A[2][2] = c;
    A[0][1] = shear;
    A[1][2] = -0.5 * shear;
    A[0][2] = 0.3 * shear;
    return A;
  }

  // max |dlnA/dA - FD| / max |dlnA/dA|, FD on the symmetric components.
  double
  log_derivative_error(const SymTensor2 &A)
  {
    SymTensor4 D;
    hencky::log(A, &D);
    const double h     = 1e-7;
    double       max_d = 0., max_err = 0.;
    for (unsigned int k = 0; k < 3; ++k)
      for (unsigned int l = k; l < 3; ++l)
      {
        SymTensor2 Ap = A, Am = A;
        Ap[k][l] += h; // symmetric: moves both (k,l) and (l,k)
        Am[k][l] -= h;
        const SymTensor2 fd = (hencky::log(Ap) - hencky::log(Am)) / (2. * h);
        const double     factor = (k == l) ? 1. : 2.;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
          {
            max_err =
              std::max(max_err, std::abs(fd[i][j] - factor * D[i][j][k][l]));
            max_d = std::max(max_d, std::abs(D[i][j][k][l]));
          }
      }
    return max_err / max_d;
  }
} // namespace

TEST(HenckyKernel, LogAndExpAreInverse)
{
  for (const SymTensor2 &A : {spd(1.2, 0.9, 1.05, 0.1),
                              spd(1., 1., 1., 0.),
                              spd(1.1, 1.1, 0.8, 0.),
                              spd(3., 0.2, 1., 0.05)})
  {
    EXPECT_LT((hencky::exp(hencky::log(A)) - A).norm(), 1e-13 * A.norm());
  }
  // ln of a diagonal tensor is the diagonal of logs.
  const SymTensor2 L = hencky::log(spd(2., 3., 0.5, 0.));
  EXPECT_NEAR(L[0][0], std::log(2.), 1e-15);
  EXPECT_NEAR(L[1][1], std::log(3.), 1e-15);
  EXPECT_NEAR(L[2][2], std::log(0.5), 1e-15);
}

TEST(HenckyKernel, LogDerivativeIncludingRepeatedEigenvalues)
{
  EXPECT_LT(log_derivative_error(spd(1.2, 0.9, 1.05, 0.1)), 1e-7);
  EXPECT_LT(log_derivative_error(spd(1., 1., 1., 0.)), 1e-7);
  EXPECT_LT(log_derivative_error(spd(1.1, 1.1, 0.8, 0.)), 1e-7);
  EXPECT_LT(log_derivative_error(spd(1.1, 1.1 + 1e-9, 0.8, 0.)), 1e-7);
  // At the identity d ln A / dA is the symmetric identity.
  SymTensor4 D;
  hencky::log(dealii::unit_symmetric_tensor<3>(), &D);
  EXPECT_LT((D - dealii::identity_tensor<3>()).norm(), 1e-14);
}

TEST(HenckyKernel, MetricStorageRoundTrip)
{
  const SymTensor2    A = spd(1.2, 0.9, 1.05, 0.1);
  std::vector<double> s(10, 0.);
  hencky::write_metric(A, s, 3);
  EXPECT_EQ(s[0], 0.);
  EXPECT_EQ((hencky::read_metric(s, 3) - A).norm(), 0.);
}

TEST(HenckyKernel, ElasticStressIsHenckyLaw)
{
  // Uniaxial stretch with zero plastic strain: tau = K tr(eps) I + 2G dev.
  const auto e = hencky::IsotropicElasticity::from_young_poisson(1000., 0.25);
  EXPECT_NEAR(e.K, 1000. / 1.5, 1e-12);
  EXPECT_NEAR(e.G, 400., 1e-12);
  Tensor2 F;
  F[0][0] = 1.1;
  F[1][1] = 0.95;
  F[2][2] = 1.;
  const hencky::Trial trial(F, dealii::unit_symmetric_tensor<3>());
  EXPECT_NEAR(trial.eps[0][0], std::log(1.1), 1e-15);
  EXPECT_NEAR(trial.eps[1][1], std::log(0.95), 1e-15);
  const SymTensor2 tau = e.stress(trial.eps);
  const Tensor2    P   = hencky::first_piola(trial, tau);
  EXPECT_NEAR(P[0][0] * 1.1, tau[0][0], 1e-12);
  // Elastic tangent of the kernel vs central differences.
  const SymTensor4 D       = e.tangent();
  const Tensor4    A       = hencky::tangent(trial, tau, D);
  const double     h       = 1e-7;
  double           max_err = 0.;
  for (unsigned int k = 0; k < 3; ++k)
    for (unsigned int l = 0; l < 3; ++l)
    {
      Tensor2 Fp = F, Fm = F;
      Fp[k][l] += h;
      Fm[k][l] -= h;
      const hencky::Trial tp(Fp, dealii::unit_symmetric_tensor<3>());
      const hencky::Trial tm(Fm, dealii::unit_symmetric_tensor<3>());
      const Tensor2       dP = (hencky::first_piola(tp, e.stress(tp.eps)) -
                          hencky::first_piola(tm, e.stress(tm.eps))) /
                         (2. * h);
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          max_err = std::max(max_err, std::abs(dP[i][j] - A[i][j][k][l]));
    }
  EXPECT_LT(max_err, 1e-6 * 1000.);
}

TEST(HenckyKernel, PlasticMetricCoaxialAndGeneral)
{
  Tensor2 F = dealii::unit_symmetric_tensor<3>();
  F[0][0]   = 1.1;
  F[0][1]   = 0.2;
  F[2][1]   = -0.1;
  const hencky::Trial trial(F, dealii::unit_symmetric_tensor<3>());
  // Coaxial eps_e (scaled deviator of the trial strain): fast path.
  const SymTensor2 eps_c =
    dealii::trace(trial.eps) / 3. * dealii::unit_symmetric_tensor<3>() +
    0.7 * dealii::deviator(trial.eps);
  const SymTensor2 Be_c = hencky::exp(2. * eps_c);
  const Tensor2    Fi   = dealii::invert(F);
  const SymTensor2 ref_c =
    dealii::symmetrize(Fi * Tensor2(Be_c) * dealii::transpose(Fi));
  EXPECT_LT((hencky::plastic_metric_inverse(trial, eps_c) - ref_c).norm(),
            1e-13);
  // Non-coaxial eps_e: general path.
  const SymTensor2 eps_g = spd(0.01, -0.02, 0.005, 0.03);
  const SymTensor2 ref_g = dealii::symmetrize(
    Fi * Tensor2(hencky::exp(2. * eps_g)) * dealii::transpose(Fi));
  EXPECT_LT((hencky::plastic_metric_inverse(trial, eps_g) - ref_g).norm(),
            1e-13);
  // No plastic flow: Cp^-1 of the trial state is recovered.
  EXPECT_LT((hencky::plastic_metric_inverse(trial, trial.eps) -
             dealii::unit_symmetric_tensor<3>())
              .norm(),
            1e-13);
}

// Trial flags a Be_trial without a logarithm instead of throwing; the plain
// log still throws (it has no caller that can recover).
TEST(HenckyKernel, TrialOfANonPositiveMetricIsUndefined)
{
  const dealii::Tensor<2, 3> F = dealii::unit_symmetric_tensor<3>();
  EXPECT_TRUE(hencky::Trial(F, dealii::unit_symmetric_tensor<3>()).defined);
  dealii::SymmetricTensor<2, 3> A = dealii::unit_symmetric_tensor<3>();
  A[1][1]                         = -0.5;
  A[0][1]                         = 0.1;
  bool defined                    = true;
  EXPECT_NO_THROW(defined = hencky::Trial(F, A).defined);
  EXPECT_FALSE(defined);
  EXPECT_THROW(hencky::log(A), std::exception);
}
