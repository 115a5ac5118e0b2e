// Unit tests of the finite-strain J2 model ("J2 plasticity").
// material_checks.h uses SymmetricTensor without including its header.
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <gtest/gtest.h>
#include <material_checks.h>
#include <micropillar/constitutive/j2_plasticity.h>
#include <micropillar/constitutive/registry.h>

using namespace micropillar;
using namespace micropillar::constitutive;
using micropillar::testing::objectivity_error;
using micropillar::testing::rotation;
using micropillar::testing::run_update;
using micropillar::testing::tangent_error;

namespace
{
  J2Plasticity::Parameters
  steel()
  {
    J2Plasticity::Parameters p;
    p.youngs_modulus    = 200000.;
    p.poissons_ratio    = 0.3;
    p.yield_stress      = 500.;
    p.hardening_modulus = 2000.;
    return p;
  }

  std::vector<double>
  fresh_state(const Model &m)
  {
    std::vector<double> s(m.n_state());
    m.initialise_state(PointContext(), s);
    return s;
  }

  Tensor2
  general_F(const double scale)
  {
    Tensor2      F       = dealii::unit_symmetric_tensor<3>();
    const double d[3][3] = {{0.8, 0.3, -0.2},
                            {0.1, -0.5, 0.4},
                            {-0.3, 0.2, 0.6}};
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        F[i][j] += scale * d[i][j];
    return rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.4) * F;
  }

  // A plastically deformed old state: two steps along general_F.
  std::vector<double>
  deformed_state(const Model &m, Tensor2 &F_reached)
  {
    std::vector<double> s     = fresh_state(m), s_new;
    const Tensor2       I     = dealii::unit_symmetric_tensor<3>();
    Tensor2             F_old = I;
    for (unsigned int step = 1; step <= 2; ++step)
    {
      const Tensor2 F = general_F(0.02 * step);
      run_update(m, F, F_old, 1., s, &s_new);
      s     = s_new;
      F_old = F;
    }
    F_reached = F_old;
    return s;
  }
} // namespace

TEST(J2Plasticity, TangentElasticStep)
{
  const J2Plasticity  m(steel());
  const auto          s = fresh_state(m);
  const Tensor2       F = general_F(1e-3);
  std::vector<double> s_new;
  run_update(m, F, dealii::unit_symmetric_tensor<3>(), 1., s, &s_new);
  EXPECT_EQ(s_new[J2Plasticity::ep_index], 0.);
  EXPECT_LT(tangent_error(m, F, dealii::unit_symmetric_tensor<3>(), 1., s),
            1e-6);
}

TEST(J2Plasticity, TangentAtIdentity)
{
  const J2Plasticity m(steel());
  const Tensor2      I = dealii::unit_symmetric_tensor<3>();
  EXPECT_LT(tangent_error(m, I, I, 1., fresh_state(m)), 1e-6);
}

TEST(J2Plasticity, TangentPlasticStepFromVirginState)
{
  const J2Plasticity  m(steel());
  const auto          s = fresh_state(m);
  const Tensor2       F = general_F(0.05);
  std::vector<double> s_new;
  run_update(m, F, dealii::unit_symmetric_tensor<3>(), 1., s, &s_new);
  EXPECT_GT(s_new[J2Plasticity::ep_index], 1e-3);
  EXPECT_LT(tangent_error(m, F, dealii::unit_symmetric_tensor<3>(), 1., s),
            1e-6);
}

TEST(J2Plasticity, TangentPlasticStepFromDeformedStateWithVoce)
{
  J2Plasticity::Parameters p = steel();
  p.saturation_hardening     = 300.;
  p.saturation_exponent      = 20.;
  const J2Plasticity m(p);
  Tensor2            F_old;
  const auto         s = deformed_state(m, F_old);
  EXPECT_GT(s[J2Plasticity::ep_index], 0.);
  const Tensor2 F = general_F(0.06);
  EXPECT_LT(tangent_error(m, F, F_old, 1., s), 1e-6);
}

TEST(J2Plasticity, TangentUniaxialRepeatedEigenvalues)
{
  // Two equal stretches: the spectral derivative at repeated eigenvalues.
  const J2Plasticity m(steel());
  Tensor2            F;
  F[0][0] = 0.97;
  F[1][1] = F[2][2] = 1.015;
  EXPECT_LT(
    tangent_error(m, F, dealii::unit_symmetric_tensor<3>(), 1., fresh_state(m)),
    1e-6);
}

TEST(J2Plasticity, Objectivity)
{
  const J2Plasticity m(steel());
  Tensor2            F_old;
  const auto         s = deformed_state(m, F_old);
  const Tensor2      Q = rotation(dealii::Tensor<1, 3>({-1., 0.5, 2.}), 1.1);
  EXPECT_LT(objectivity_error(m, general_F(0.06), F_old, 1., s, Q), 1e-12);
}

TEST(J2Plasticity, PlasticFlowIsIsochoric)
{
  const J2Plasticity m(steel());
  Tensor2            F_old;
  const auto         s = deformed_state(m, F_old);
  EXPECT_NEAR(dealii::determinant(hencky::read_metric(s)), 1., 1e-12);
}

// Uniaxial stress: the lateral stretch is solved for P_22 = P_33 = 0. In
// logarithmic strain eps = ln(lambda) the algorithm reproduces the 1D law
// exactly: tau = E eps below sigma_0 / E, then
// tau = sigma_0 + E H / (E + H) (eps - sigma_0 / E).
TEST(J2Plasticity, UniaxialStressAnalytic)
{
  const J2Plasticity::Parameters p = steel();
  const J2Plasticity             m(p);
  for (const double sign : {1., -1.})
  {
    std::vector<double> s     = fresh_state(m), s_new;
    Tensor2             F_old = dealii::unit_symmetric_tensor<3>();
    double              mu    = 1.;
    const double        E = p.youngs_modulus, H = p.hardening_modulus;
    const double        eps_y = p.yield_stress / E;
    for (unsigned int step = 1; step <= 40; ++step)
    {
      const double eps = sign * 0.002 * step;
      Tensor2      F;
      F[0][0] = std::exp(eps);
      UpdateResult r;
      for (unsigned int it = 0; it < 30; ++it)
      {
        F[1][1] = F[2][2] = mu;
        r                 = run_update(m, F, F_old, 1., s, &s_new);
        ASSERT_TRUE(r.converged);
        const double dP = r.dP_dF[1][1][1][1] + r.dP_dF[1][1][2][2];
        mu -= r.P[1][1] / dP;
        if (std::abs(r.P[1][1]) < 1e-9)
          break;
      }
      EXPECT_LT(std::abs(r.P[1][1]), 1e-8);
      EXPECT_LT(std::abs(r.P[2][2]), 1e-8);
      const double tau = r.P[0][0] * F[0][0]; // tau = P F^T
      const double a   = std::abs(eps);
      const double expected =
        a <= eps_y ? E * a : p.yield_stress + E * H / (E + H) * (a - eps_y);
      EXPECT_NEAR(sign * tau, expected, 1e-8 * expected) << "eps = " << eps;
      s     = s_new;
      F_old = F;
    }
    // Plastic strain of the uniaxial path: (|tau| - sigma_0) / H.
    const double eps_end = 0.08;
    const double tau_end = p.yield_stress + E * H / (E + H) * (eps_end - eps_y);
    EXPECT_NEAR(s[J2Plasticity::ep_index],
                (tau_end - p.yield_stress) / H,
                1e-10);
  }
}

TEST(J2Plasticity, RegisteredAndParsed)
{
  ASSERT_TRUE(Registry::has("J2 plasticity"));
  dealii::ParameterHandler prm;
  prm.enter_subsection("J2 plasticity");
  Registry::declare_parameters("J2 plasticity", prm);
  prm.leave_subsection();
  prm.parse_input_from_string("subsection J2 plasticity\n"
                              "  set Yield stress = 750\n"
                              "  set Hardening modulus = 0\n"
                              "end\n");
  prm.enter_subsection("J2 plasticity");
  const auto model = Registry::create("J2 plasticity", prm);
  prm.leave_subsection();
  const auto *j2 = dynamic_cast<const J2Plasticity *>(model.get());
  ASSERT_NE(j2, nullptr);
  EXPECT_EQ(j2->get_parameters().yield_stress, 750.);
  EXPECT_EQ(j2->yield_stress(0.3), 750.);
  EXPECT_NEAR(model->shear_modulus(), 200000. / 2.6, 1e-9);
}

TEST(J2Plasticity, InvalidParametersAreReported)
{
  J2Plasticity::Parameters p = steel();
  p.poissons_ratio           = 0.6;
  p.yield_stress             = -1.;
  EXPECT_THROW(J2Plasticity m(p), dealii::ExceptionBase);
}

// As for the glass: a stored Cp^-1 that is not positive definite gives a
// failed update, not an exception (hencky::Trial::defined).
TEST(J2Plasticity, NonPositiveTrialMetricIsReportedNotThrown)
{
  const J2Plasticity  m{steel()};
  const Tensor2       I = dealii::unit_symmetric_tensor<3>();
  std::vector<double> s = fresh_state(m);
  ASSERT_TRUE(run_update(m, I, I, 1., s).converged);
  hencky::SymTensor2 metric = dealii::unit_symmetric_tensor<3>();
  metric[0][0]              = 0.;
  hencky::write_metric(metric, s);
  UpdateResult r;
  EXPECT_NO_THROW(r = run_update(m, I, I, 1., s));
  EXPECT_FALSE(r.converged);
}
