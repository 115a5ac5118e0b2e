// Compressible neo-Hookean: consistent tangent against central finite
// differences, objectivity under a superposed rotation, and the analytic
// uniaxial-strain stress P11 = mu (l - 1/l) + lambda ln(l) / l.
#include "material_checks.h"

#include <gtest/gtest.h>
#include <micropillar/constitutive/neo_hookean.h>

using namespace micropillar;
using constitutive::NeoHookean;
using constitutive::Tensor2;

namespace
{
  Tensor2
  general_deformation()
  {
    Tensor2 F;
    F[0][0] = 1.05;
    F[0][1] = 0.03;
    F[0][2] = -0.02;
    F[1][0] = 0.01;
    F[1][1] = 0.97;
    F[1][2] = 0.04;
    F[2][0] = -0.03;
    F[2][1] = 0.02;
    F[2][2] = 0.92;
    return F;
  }
} // namespace

TEST(NeoHookean, TangentMatchesFiniteDifferences)
{
  const NeoHookean model(200000., 0.3);
  const Tensor2    F = general_deformation();
  EXPECT_LT(micropillar::testing::tangent_error(model, F, F, 1., {}), 1e-6);
}

TEST(NeoHookean, Objectivity)
{
  const NeoHookean model(200000., 0.3);
  const Tensor2    F = general_deformation();
  const Tensor2    Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.7);
  EXPECT_LT(micropillar::testing::objectivity_error(model, F, F, 1., {}, Q),
            1e-12);
}

TEST(NeoHookean, UniaxialStrainAnalytic)
{
  const double     E = 200000., nu = 0.3;
  const double     mu     = E / (2. * (1. + nu));
  const double     lambda = E * nu / ((1. + nu) * (1. - 2. * nu));
  const NeoHookean model(E, nu);
  for (const double l : {0.8, 0.95, 1.1})
  {
    Tensor2 F    = dealii::unit_symmetric_tensor<3>();
    F[0][0]      = l;
    const auto r = micropillar::testing::run_update(model, F, F, 1., {});
    ASSERT_TRUE(r.converged);
    EXPECT_NEAR(r.P[0][0],
                mu * (l - 1. / l) + lambda * std::log(l) / l,
                1e-8 * E);
    EXPECT_NEAR(r.P[1][1], lambda * std::log(l), 1e-8 * E);
  }
}

TEST(NeoHookean, InvertedDeformationFailsCleanly)
{
  const NeoHookean model(200000., 0.3);
  Tensor2          F = dealii::unit_symmetric_tensor<3>();
  F[2][2]            = -0.1;
  EXPECT_FALSE(micropillar::testing::run_update(model, F, F, 1., {}).converged);
}
