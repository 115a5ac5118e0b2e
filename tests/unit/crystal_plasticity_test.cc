// Unit tests of the crystal-plasticity model ("crystal plasticity"):
// consistent tangent, objectivity, Schmid yield of an FCC [001] crystal,
// <c+a>-only slip of c-axis HCP, layer thinning, barrier and prm parsing.
// material_checks.h uses SymmetricTensor without including its header.
#include <cmath>
#include <cstdio>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <gtest/gtest.h>
#include <material_checks.h>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>
#include <micropillar/constitutive/registry.h>

using namespace micropillar;
using namespace micropillar::constitutive;
using namespace micropillar::constitutive::crystal;
using micropillar::testing::objectivity_error;
using micropillar::testing::rotation;
using micropillar::testing::run_update;
using micropillar::testing::tangent_error;

namespace
{
  using Phase = CrystalPlasticity::Phase;

  CrystalPlasticity::Parameters
  fcc_crystal(const double phi1, const double Phi, const double phi2)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "FCC";
    p.transformation              = false;
    p.microstructure.euler_angles = {{phi1, Phi, phi2}};
    return p;
  }

  CrystalPlasticity::Parameters
  hcp_crystal(const double phi1,
              const double Phi,
              const double phi2,
              const bool   transformation)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "HCP";
    p.transformation              = transformation;
    p.microstructure.euler_angles = {{phi1, Phi, phi2}};
    return p;
  }

  std::vector<double>
  fresh_state(const Model &m, const PointContext &c = PointContext())
  {
    std::vector<double> s(m.n_state());
    m.initialise_state(c, s);
    return s;
  }

  /// A general (non-symmetric) velocity gradient, |L| ~ 1e-3 /s.
  Tensor2
  velocity_gradient()
  {
    const double d[3][3] = {{0.3, 0.25, -0.1},
                            {-0.15, 0.2, 0.3},
                            {0.1, -0.2, -1.0}};
    Tensor2      L;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        L[i][j] = 1e-3 * d[i][j];
    return L;
  }

  /// Drive along F(t) = I + t L for n steps of dt; returns the state and F.
  std::vector<double>
  drive(const Model        &m,
        const unsigned int  n,
        const double        dt,
        Tensor2            &F_reached,
        const PointContext &c = PointContext())
  {
    std::vector<double> s     = fresh_state(m, c), s_new;
    Tensor2             F_old = identity();
    for (unsigned int k = 1; k <= n; ++k)
    {
      const Tensor2      F = identity() + (k * dt) * velocity_gradient();
      const UpdateResult r = run_update(m, F, F_old, dt, s, &s_new);
      EXPECT_TRUE(r.converged) << "step " << k;
      s     = s_new;
      F_old = F;
    }
    F_reached = F_old;
    return s;
  }

  /// Uniaxial stress along z: λz prescribed, (λx, λy) from P_xx = P_yy = 0
  /// by Newton with the consistent tangent (shear-free by the symmetry of
  /// the orientations used). Returns the Cauchy σ_zz of the last step.
  double
  uniaxial_z(const Model         &m,
             std::vector<double> &state,
             const double         strain_rate,
             const double         dt,
             const unsigned int   n_steps)
  {
    Tensor2             F_old = identity();
    std::vector<double> s_new;
    double              sigma = 0.;
    for (unsigned int k = 1; k <= n_steps; ++k)
    {
      Tensor2 F = F_old;
      F[2][2]   = 1. - strain_rate * k * dt;
      UpdateResult r;
      for (unsigned int it = 0; it < 30; ++it)
      {
        r = run_update(m, F, F_old, dt, state, &s_new);
        EXPECT_TRUE(r.converged);
        if (std::abs(r.P[0][0]) + std::abs(r.P[1][1]) < 1e-9)
          break;
        const double a = r.dP_dF[0][0][0][0], b = r.dP_dF[0][0][1][1],
                     c = r.dP_dF[1][1][0][0], d = r.dP_dF[1][1][1][1];
        const double det = a * d - b * c;
        F[0][0] -= (d * r.P[0][0] - b * r.P[1][1]) / det;
        F[1][1] -= (-c * r.P[0][0] + a * r.P[1][1]) / det;
      }
      const Tensor2 sig =
        (1. / dealii::determinant(F)) * r.P * dealii::transpose(F);
      sigma = sig[2][2];
      state = s_new;
      F_old = F;
    }
    return sigma;
  }

  double
  max_abs_slip(const std::vector<double> &slip)
  {
    double m = 0.;
    for (const double g : slip)
      m = std::max(m, std::abs(g));
    return m;
  }
} // namespace

TEST(CrystalPlasticity, TangentFccPlastic)
{
  const CrystalPlasticity m(fcc_crystal(20., 35., 50.));
  Tensor2                 F_old;
  const double            dt = 0.5;
  const auto              s  = drive(m, 12, dt, F_old);
  ASSERT_GT(m.equivalent_plastic_strain(s), 1e-4) << "not plastic yet";
  const Tensor2 F = F_old + dt * velocity_gradient();
  // Largest slip increment of the step stays below the sub-step limit.
  std::vector<double> s_new;
  ASSERT_TRUE(run_update(m, F, F_old, dt, s, &s_new).converged);
  EXPECT_GT(m.equivalent_plastic_strain(s_new) - m.equivalent_plastic_strain(s),
            1e-4);
  const double err = tangent_error(m, F, F_old, dt, s);
  std::printf("FCC tangent error %.3e\n", err);
  EXPECT_LT(err, 1e-6) << "FCC tangent error " << err;
}

TEST(CrystalPlasticity, TangentHcpPlastic)
{
  const CrystalPlasticity m(hcp_crystal(10., 40., 25., false));
  Tensor2                 F_old;
  const double            dt = 0.5;
  const auto              s  = drive(m, 12, dt, F_old);
  const Tensor2           F  = F_old + dt * velocity_gradient();
  std::vector<double>     s_new;
  ASSERT_TRUE(run_update(m, F, F_old, dt, s, &s_new).converged);
  EXPECT_GT(m.equivalent_plastic_strain(s_new) - m.equivalent_plastic_strain(s),
            1e-4);
  const double err = tangent_error(m, F, F_old, dt, s);
  std::printf("HCP tangent error %.3e\n", err);
  EXPECT_LT(err, 1e-6) << "HCP tangent error " << err;
}

TEST(CrystalPlasticity, TangentWhileTransforming)
{
  auto p    = hcp_crystal(10., 40., 25., true);
  p.tr_crss = 80.; // below the basal CRSS so the transformation runs
  const CrystalPlasticity m(p);
  Tensor2                 F_old;
  const double            dt = 0.5;
  const auto              s  = drive(m, 10, dt, F_old);
  std::vector<double>     v_old, v_new, s_new;
  m.output_values(s, v_old);
  const Tensor2 F = F_old + dt * velocity_gradient();
  ASSERT_TRUE(run_update(m, F, F_old, dt, s, &s_new).converged);
  m.output_values(s_new, v_new);
  // fcc_fraction is output 5.
  EXPECT_GT(v_old[5], 1e-3);
  EXPECT_LT(v_new[5], 0.99);
  EXPECT_GT(v_new[5] - v_old[5], 1e-5) << "transformation not active";
  const double err = tangent_error(m, F, F_old, dt, s);
  std::printf("HCP+FCC (f = %.4f -> %.4f) tangent error %.3e\n",
              v_old[5],
              v_new[5],
              err);
  EXPECT_LT(err, 1e-6) << "mixed tangent error " << err;
}

TEST(CrystalPlasticity, TangentWithInterfaceBarrier)
{
  // The barrier is taken from the (sub)step start, so the tangent stays
  // exact; check it with a layer context and grains.
  auto p                      = fcc_crystal(0., 0., 0.);
  p.microstructure.type       = Microstructure::Type::columnar;
  p.microstructure.grain_size = 0.02;
  p.interface_beta            = 0.1;
  const CrystalPlasticity m(p);
  PointContext            c;
  c.X               = dealii::Point<3>(0.013, -0.4, 0.5);
  c.layer_index     = 7;
  c.layer_thickness = 0.018;
  Tensor2             F_old;
  const double        dt = 0.5;
  const auto          s  = drive(m, 60, dt, F_old, c);
  const Tensor2       F  = F_old + dt * velocity_gradient();
  std::vector<double> s_new;
  ASSERT_TRUE(run_update(m, F, F_old, dt, s, &s_new).converged);
  EXPECT_GT(m.equivalent_plastic_strain(s_new) - m.equivalent_plastic_strain(s),
            1e-5);
  const double err = tangent_error(m, F, F_old, dt, s);
  std::printf("FCC with interface barrier: tangent error %.3e\n", err);
  EXPECT_LT(err, 1e-6);
}

TEST(CrystalPlasticity, Objectivity)
{
  auto p    = hcp_crystal(10., 40., 25., true);
  p.tr_crss = 80.;
  for (const auto &params : {fcc_crystal(20., 35., 50.), p})
  {
    const CrystalPlasticity m(params);
    Tensor2                 F_old;
    const double            dt = 0.5;
    const auto              s  = drive(m, 10, dt, F_old);
    const Tensor2           F  = F_old + dt * velocity_gradient();
    const Tensor2 Q = rotation(dealii::Tensor<1, 3>({1., -2., 0.5}), 1.1);
    EXPECT_LT(objectivity_error(m, F, F_old, dt, s, Q), 1e-10);
  }
}

TEST(CrystalPlasticity, Fcc001SchmidYield)
{
  // No hardening, no barriers: steady uniaxial flow along [001] has 8
  // systems at Schmid factor m = 1/√6 = 0.408, each at γ̇ = ε̇/(8m), so
  //   σ = (τ0/m) (ε̇/(8 m γ̇0))^(1/n) = (τ0/m) · 0.94254
  // for ε̇ = γ̇0 = 1e-3 /s, n = 20.
  auto p                 = fcc_crystal(0., 0., 0.);
  p.fcc.families[0].tau0 = 100.;
  p.fcc.families[0].h0   = 0.;
  const CrystalPlasticity m(p);
  auto                    s      = fresh_state(m);
  const double            rate   = 1e-3;
  const double            sigma  = uniaxial_z(m, s, rate, 0.2, 75);
  const double            schmid = 1. / std::sqrt(6.);
  const double rate_factor = std::pow(rate / (8. * schmid * 1e-3), 1. / 20.);
  EXPECT_NEAR(rate_factor, 0.94254, 1e-5);
  const double expected = -100. / schmid * rate_factor;
  std::printf("FCC [001]: sigma = %.3f MPa, expected %.3f MPa (tau0/m = "
              "%.3f, rate factor %.5f)\n",
              sigma,
              expected,
              -100. / schmid,
              rate_factor);
  EXPECT_NEAR(sigma / expected, 1., 0.01)
    << "sigma " << sigma << " expected " << expected;
  // All eight loaded systems slip equally, the other four not at all.
  const auto   slip  = m.slips(Phase::fcc, s);
  unsigned int n_act = 0;
  for (const double g : slip)
    if (std::abs(g) > 1e-4)
    {
      ++n_act;
      EXPECT_NEAR(std::abs(g), max_abs_slip(slip), 1e-6);
    }
  EXPECT_EQ(n_act, 8u);
}

TEST(CrystalPlasticity, HcpCAxisSlipsOnCPlusAOnly)
{
  const CrystalPlasticity m(hcp_crystal(0., 0., 0., true));
  auto                    s     = fresh_state(m);
  const double            sigma = uniaxial_z(m, s, 1e-3, 0.5, 30);
  EXPECT_LT(sigma, -500.);
  const auto fam  = m.system_families(Phase::hcp);
  const auto slip = m.slips(Phase::hcp, s);
  Tensor2    F    = identity();
  F[2][2]         = 0.99;
  const auto tau  = m.resolved_shear_stresses(Phase::hcp, F, s);
  double     ca   = 0.;
  for (unsigned int a = 0; a < fam.size(); ++a)
    if (fam[a] <= 2) // basal, prismatic, pyramidal <a>
    {
      EXPECT_LT(std::abs(slip[a]), 1e-14) << "system " << a;
      EXPECT_LT(std::abs(tau[a]), 1e-9 * std::abs(sigma)) << "system " << a;
    }
    else
      ca = std::max(ca, std::abs(slip[a]));
  EXPECT_GT(ca, 1e-3);
  for (const double t : m.partial_shear_stresses(F, s))
    EXPECT_LT(std::abs(t), 1e-9 * std::abs(sigma));
  std::vector<double> v;
  m.output_values(s, v);
  EXPECT_EQ(v[5], 0.) << "no transformation without basal shear";
  EXPECT_NEAR(v[4], 1., 1e-14); // c along z
}

TEST(CrystalPlasticity, LayerThicknessRatioOutput)
{
  const CrystalPlasticity m(fcc_crystal(0., 0., 0.));
  PointContext            c;
  c.layer_thickness   = 0.018;
  c.layer_index       = 0;
  auto         s      = fresh_state(m, c);
  const double lambda = 0.97;
  Tensor2      F;
  F[0][0] = F[1][1] = 1. / std::sqrt(lambda);
  F[2][2]           = lambda;
  std::vector<double> s_new, v;
  // Ten steps (to keep the slip increments small).
  Tensor2 F_old = identity();
  for (unsigned int k = 1; k <= 10; ++k)
  {
    const Tensor2 Fk = identity() + (k / 10.) * (F - identity());
    ASSERT_TRUE(run_update(m, Fk, F_old, 3., s, &s_new).converged);
    s     = s_new;
    F_old = Fk;
  }
  m.output_values(s, v);
  const auto names = m.output_names();
  ASSERT_EQ(names[6], "layer_thickness_ratio");
  EXPECT_NEAR(v[6], 1. / (1. / (F_old[2][2])), 1e-14);
  EXPECT_NEAR(F_old[2][2], lambda, 1e-14);
  EXPECT_NEAR(v[6], lambda, 1e-12);
}

// Identifiers (grain number, Euler angles) are flagged so that the solver
// leaves their meaningless volume averages out of stress_strain.csv.
TEST(CrystalPlasticity, IdentifierOutputsAreNotAveraged)
{
  const CrystalPlasticity m(fcc_crystal(0., 0., 0.));
  const auto              names = m.output_names();
  for (unsigned int k = 0; k < names.size(); ++k)
  {
    const bool identifier =
      names[k] == "grain_id" || names[k].rfind("orientation_", 0) == 0;
    EXPECT_EQ(m.output_is_averaged(k), !identifier) << names[k];
  }
}

TEST(CrystalPlasticity, InterfaceBarrierRaisesStrength)
{
  auto p               = fcc_crystal(0., 0., 0.);
  p.fcc.families[0].h0 = 0.;
  const CrystalPlasticity m(p);
  auto                    s_free = fresh_state(m);
  PointContext            c;
  c.layer_index          = 0;
  c.layer_thickness      = 0.018;
  auto s_thin            = fresh_state(m, c);
  c.layer_thickness      = 0.036;
  auto         s_thick   = fresh_state(m, c);
  const double sig_free  = uniaxial_z(m, s_free, 1e-3, 1., 20);
  const double sig_thin  = uniaxial_z(m, s_thin, 1e-3, 1., 20);
  const double sig_thick = uniaxial_z(m, s_thick, 1e-3, 1., 20);
  EXPECT_LT(sig_thin, sig_thick - 100.);
  EXPECT_LT(sig_thick, sig_free - 100.);
}

TEST(CrystalPlasticity, ParametersAndRegistry)
{
  ASSERT_TRUE(Registry::has("crystal plasticity"));
  {
    dealii::ParameterHandler prm;
    prm.enter_subsection("crystal plasticity");
    CrystalPlasticity::declare_parameters(prm);
    prm.leave_subsection();
    prm.enter_subsection("crystal plasticity");
    prm.set("Initial phase", "HCP");
    prm.enter_subsection("HCP");
    prm.set("Active families", "Prismatic, Pyramidal c+a I");
    prm.leave_subsection();
    const auto model = Registry::create("crystal plasticity", prm);
    prm.leave_subsection();
    const auto *cp = dynamic_cast<const CrystalPlasticity *>(model.get());
    ASSERT_NE(cp, nullptr);
    EXPECT_EQ(cp->n_systems(Phase::hcp), 15u);
    EXPECT_TRUE(cp->has_phase(Phase::fcc)); // transformation on by default
    EXPECT_GT(model->shear_modulus(), 5e4);
  }
  {
    dealii::ParameterHandler prm;
    prm.enter_subsection("crystal plasticity");
    CrystalPlasticity::declare_parameters(prm);
    prm.enter_subsection("HCP");
    prm.enter_subsection("Basal");
    prm.set("Saturation strength", "10");
    prm.leave_subsection();
    prm.leave_subsection();
    EXPECT_ANY_THROW(CrystalPlasticity{prm});
    prm.leave_subsection();
  }
}

TEST(CrystalPlasticity, SubsteppingLargeIncrement)
{
  // One large step must still converge (by sub-stepping) and give nearly
  // the stress of many small steps.
  const CrystalPlasticity m(fcc_crystal(20., 35., 50.));
  Tensor2                 F_small;
  const auto              s_small = drive(m, 40, 0.5, F_small);
  auto                    s       = fresh_state(m);
  std::vector<double>     s_new;
  const UpdateResult r = run_update(m, F_small, identity(), 20., s, &s_new);
  ASSERT_TRUE(r.converged);
  std::vector<double> s2;
  const UpdateResult  r_small =
    run_update(m, F_small, F_small, 1e-12, s_small, &s2);
  EXPECT_LT((r.P - r_small.P).norm() / r_small.P.norm(), 0.05);
}

TEST(CrystalPlasticity, TangentWithSubsteppingIsApproximate)
{
  // Documented approximation: with sub-steps, the dependence of the
  // intermediate states on F is left out of the tangent. Below the sub-step
  // limit the tangent is exact; above it, it stays within a few percent.
  const CrystalPlasticity m(fcc_crystal(20., 35., 50.));
  Tensor2                 F_old;
  const auto              s        = drive(m, 12, 0.5, F_old);
  const double            dt_small = 10., dt_large = 40.; // Δε ≈ 1 %, 4 %
  const double            e_small = tangent_error(
    m, F_old + dt_small * velocity_gradient(), F_old, dt_small, s);
  const double e_large = tangent_error(
    m, F_old + dt_large * velocity_gradient(), F_old, dt_large, s);
  std::printf("tangent error without / with sub-steps: %.2e / %.2e\n",
              e_small,
              e_large);
  EXPECT_LT(e_small, 1e-6);
  EXPECT_LT(e_large, 0.05);
}

TEST(CrystalPlasticity, InvertedElementFailsGracefully)
{
  const CrystalPlasticity m(fcc_crystal(0., 0., 0.));
  const auto              s = fresh_state(m);
  Tensor2                 F = identity();
  F[2][2]                   = -0.1;
  EXPECT_FALSE(run_update(m, F, identity(), 1., s).converged);
}
