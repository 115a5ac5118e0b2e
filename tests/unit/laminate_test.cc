// Unit tests of the homogenised laminate point ("homogenised laminate").
//
// material_checks.h uses SymmetricTensor without including its header.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <gtest/gtest.h>
#include <iostream>
#include <material_checks.h>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>
#include <micropillar/constitutive/j2_plasticity.h>
#include <micropillar/constitutive/laminate.h>
#include <micropillar/constitutive/neo_hookean.h>
#include <micropillar/constitutive/registry.h>

using namespace micropillar;
using namespace micropillar::constitutive;
using micropillar::testing::objectivity_error;
using micropillar::testing::rotation;
using micropillar::testing::run_update;
using micropillar::testing::tangent_error;

namespace
{
  using Tensor1 = HomogenisedLaminate::Tensor1;

  const Tensor2 I = dealii::unit_symmetric_tensor<3>();

  J2Plasticity::Parameters
  j2(const double E, const double nu, const double Y, const double H)
  {
    J2Plasticity::Parameters p;
    p.youngs_modulus    = E;
    p.poissons_ratio    = nu;
    p.yield_stress      = Y;
    p.hardening_modulus = H;
    return p;
  }

  // Crystal-like and glass-like J2 layers (model-spec §0 strengths).
  J2Plasticity::Parameters
  hard()
  {
    return j2(200000., 0.3, 3300., 2000.);
  }

  J2Plasticity::Parameters
  soft()
  {
    return j2(92000., 0.36, 1800., 1000.);
  }

  HomogenisedLaminate::Parameters
  fractions(const double f_c)
  {
    HomogenisedLaminate::Parameters p;
    p.crystal_fraction = f_c;
    return p;
  }

  std::unique_ptr<HomogenisedLaminate>
  laminate(std::unique_ptr<Model> c,
           std::unique_ptr<Model> g,
           const double           f_c = 0.6)
  {
    return std::make_unique<HomogenisedLaminate>(std::move(c),
                                                 std::move(g),
                                                 fractions(f_c));
  }

  std::unique_ptr<HomogenisedLaminate>
  j2_laminate()
  {
    return laminate(std::make_unique<J2Plasticity>(hard()),
                    std::make_unique<J2Plasticity>(soft()));
  }

  std::vector<double>
  fresh_state(const Model &m, const Tensor1 &N0 = Tensor1({0., 0., 1.}))
  {
    PointContext c;
    c.layer_normal = N0;
    std::vector<double> s(m.n_state());
    m.initialise_state(c, s);
    return s;
  }

  Tensor2
  general_F(const double scale)
  {
    Tensor2      F       = I;
    const double d[3][3] = {{0.8, 0.3, -0.2},
                            {0.1, -0.5, 0.4},
                            {-0.3, 0.2, -0.9}};
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        F[i][j] += scale * d[i][j];
    return rotation(Tensor1({1., 2., 3.}), 0.4) * F;
  }

  // A deformed old state: @p n_steps steps along general_F.
  std::vector<double>
  deformed_state(const Model       &m,
                 Tensor2           &F_reached,
                 const double       step,
                 const unsigned int n_steps = 2,
                 const Tensor1     &N0      = Tensor1({0., 0., 1.}))
  {
    std::vector<double> s     = fresh_state(m, N0), s_new;
    Tensor2             F_old = I;
    for (unsigned int n = 1; n <= n_steps; ++n)
    {
      const Tensor2      F = general_F(step * n);
      const UpdateResult r = run_update(m, F, F_old, 1., s, &s_new);
      EXPECT_TRUE(r.converged);
      s     = s_new;
      F_old = F;
    }
    F_reached = F_old;
    return s;
  }

  Tensor2
  cauchy(const Tensor2 &P, const Tensor2 &F)
  {
    return P * dealii::transpose(F) / dealii::determinant(F);
  }

  // Uniaxial stress along axis d: F = diag with F_dd = stretch imposed and
  // the two other stretches solved for P_ii = 0 by Newton on the model's
  // tangent (diagonal F stays diagonal for these symmetric cases).
  UpdateResult
  uniaxial_stress(const Model               &m,
                  const unsigned int         d,
                  const double               stretch,
                  const Tensor2             &F_old,
                  const std::vector<double> &old_state,
                  std::vector<double>       &new_state,
                  Tensor2                   &F)
  {
    F                         = F_old;
    F[d][d]                   = stretch;
    const unsigned int lat[2] = {(d + 1) % 3, (d + 2) % 3};
    UpdateResult       r;
    for (unsigned int it = 0; it < 30; ++it)
    {
      r = run_update(m, F, F_old, 1., old_state, &new_state);
      if (!r.converged)
        return r;
      const double res[2] = {r.P[lat[0]][lat[0]], r.P[lat[1]][lat[1]]};
      if (std::abs(res[0]) + std::abs(res[1]) <= 1e-9 * m.shear_modulus())
        return r;
      const double J[2][2] = {{r.dP_dF[lat[0]][lat[0]][lat[0]][lat[0]],
                               r.dP_dF[lat[0]][lat[0]][lat[1]][lat[1]]},
                              {r.dP_dF[lat[1]][lat[1]][lat[0]][lat[0]],
                               r.dP_dF[lat[1]][lat[1]][lat[1]][lat[1]]}};
      const double det     = J[0][0] * J[1][1] - J[0][1] * J[1][0];
      F[lat[0]][lat[0]] -= (J[1][1] * res[0] - J[0][1] * res[1]) / det;
      F[lat[1]][lat[1]] -= (-J[1][0] * res[0] + J[0][0] * res[1]) / det;
    }
    r.converged = false;
    return r;
  }

  double
  max_abs_difference(const Tensor4 &a, const Tensor4 &b)
  {
    double m = 0.;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        for (unsigned int k = 0; k < 3; ++k)
          for (unsigned int l = 0; l < 3; ++l)
            m = std::max(m, std::abs(a[i][j][k][l] - b[i][j][k][l]));
    return m;
  }

  // Neo-Hookean with a recording state: [layer thickness from the context,
  // F of the last converged update (9)]. An update whose F_old is not the F
  // it converged at reports failure, so a laminate that hands its
  // sub-models inconsistent old deformations fails loudly.
  class Probe : public NeoHookean
  {
  public:
    using NeoHookean::NeoHookean;

    unsigned int
    n_state() const override
    {
      return 10;
    }

    void
    initialise_state(const PointContext  &c,
                     std::vector<double> &s) const override
    {
      s.assign(10, 0.);
      s[0] = c.layer_thickness;
      for (unsigned int i = 0; i < 3; ++i)
        s[1 + 4 * i] = 1.;
    }

    void
    update(const Tensor2             &F,
           const Tensor2             &F_old,
           const double               dt,
           const std::vector<double> &old_state,
           std::vector<double>       &new_state,
           UpdateResult              &result) const override
    {
      new_state = old_state;
      NeoHookean::update(F, F_old, dt, old_state, new_state, result);
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
        {
          if (std::abs(F_old[i][j] - old_state[1 + 3 * i + j]) > 1e-12)
            result.converged = false;
          new_state[1 + 3 * i + j] = F[i][j];
        }
    }

    std::vector<std::string>
    output_names() const override
    {
      return {"probe", "thickness"};
    }

    // Pretend the thickness diffuses (only to test the forwarding).
    unsigned int
    diffusing_state_index() const override
    {
      return 0;
    }

    double
    diffusivity() const override
    {
      return 1e-3;
    }

    void
    output_values(const std::vector<double> &s,
                  std::vector<double>       &v) const override
    {
      v = {-1., s[0]};
    }
  };

  // Neo-Hookean plus a stress that depends on the old deformation,
  // P = P_nh(F) + k F (C_old - I), C_old = F_old^T F_old: objective, and
  // sensitive to the F_old a laminate hands its sub-models.
  class OldStrainElastic : public NeoHookean
  {
  public:
    OldStrainElastic(const double E, const double nu, const double k)
        : NeoHookean(E, nu)
        , k(k)
    {
    }

    void
    update(const Tensor2             &F,
           const Tensor2             &F_old,
           const double               dt,
           const std::vector<double> &old_state,
           std::vector<double>       &new_state,
           UpdateResult              &result) const override
    {
      NeoHookean::update(F, F_old, dt, old_state, new_state, result);
      const Tensor2 S = k * (dealii::transpose(F_old) * F_old - I);
      result.P += F * S;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J = 0; J < 3; ++J)
          for (unsigned int L = 0; L < 3; ++L)
            result.dP_dF[i][J][i][L] += S[L][J];
    }

  private:
    double k;
  };

  // A model whose update always fails.
  class Failing : public NeoHookean
  {
  public:
    using NeoHookean::NeoHookean;

    void
    update(const Tensor2 &,
           const Tensor2 &,
           const double,
           const std::vector<double> &,
           std::vector<double> &,
           UpdateResult &result) const override
    {
      result.converged = false;
    }
  };
} // namespace

TEST(HomogenisedLaminate, TangentElasticNeoHookean)
{
  const auto          m = laminate(std::make_unique<NeoHookean>(200000., 0.3),
                          std::make_unique<NeoHookean>(92000., 0.36));
  const auto          s = fresh_state(*m, Tensor1({0.2, -0.3, 1.}));
  std::vector<double> s_new;
  const Tensor2       F = general_F(0.05);
  ASSERT_TRUE(run_update(*m, F, I, 1., s, &s_new).converged);
  EXPECT_GT(s_new[HomogenisedLaminate::jump_norm_index], 1e-3);
  EXPECT_LT(tangent_error(*m, F, I, 1., s), 1e-6);
}

TEST(HomogenisedLaminate, TangentAtIdentity)
{
  const auto m = j2_laminate();
  EXPECT_LT(tangent_error(*m, I, I, 1., fresh_state(*m)), 1e-7);
}

TEST(HomogenisedLaminate, TangentPlasticJ2)
{
  const auto          m  = j2_laminate();
  const Tensor1       N0 = Tensor1({0.3, -0.2, 1.});
  Tensor2             F_old;
  const auto          s = deformed_state(*m, F_old, 0.02, 2, N0);
  const Tensor2       F = general_F(0.06);
  std::vector<double> s_new;
  ASSERT_TRUE(run_update(*m, F, F_old, 1., s, &s_new).converged);
  // Both layers flow in this step.
  EXPECT_GT(m->crystal_model().equivalent_plastic_strain(
              m->crystal_state(s_new)),
            m->crystal_model().equivalent_plastic_strain(m->crystal_state(s)));
  EXPECT_GT(m->glass_model().equivalent_plastic_strain(m->glass_state(s_new)),
            m->glass_model().equivalent_plastic_strain(m->glass_state(s)));
  EXPECT_LT(tangent_error(*m, F, F_old, 1., s), 1e-6);
}

TEST(HomogenisedLaminate, TangentElasticCrystalPlasticGlass)
{
  const auto m = laminate(std::make_unique<NeoHookean>(200000., 0.3),
                          std::make_unique<J2Plasticity>(soft()),
                          0.4);
  Tensor2    F_old;
  const auto s = deformed_state(*m, F_old, 0.02);
  EXPECT_GT(m->equivalent_plastic_strain(s), 0.);
  EXPECT_LT(tangent_error(*m, general_F(0.055), F_old, 1., s), 1e-6);
}

TEST(HomogenisedLaminate, Objectivity)
{
  const auto    m = j2_laminate();
  Tensor2       F_old;
  const auto    s = deformed_state(*m, F_old, 0.02);
  const Tensor2 Q = rotation(Tensor1({-1., 0.5, 2.}), 1.1);
  EXPECT_GT(s[HomogenisedLaminate::jump_norm_index], 1e-3);
  EXPECT_LT(objectivity_error(*m, general_F(0.06), F_old, 1., s, Q), 1e-10);
}

// The jump is stored in material form: a rotation superposed on F and
// F_old must also rotate the old phase deformations, which a sub-model that
// depends on F_old notices.
TEST(HomogenisedLaminate, ObjectivityWithOldDeformationDependentSubModel)
{
  const auto m =
    laminate(std::make_unique<J2Plasticity>(hard()),
             std::make_unique<OldStrainElastic>(92000., 0.36, 3e4));
  Tensor2       F_old;
  const auto    s = deformed_state(*m, F_old, 0.02);
  const Tensor2 Q = rotation(Tensor1({-1., 0.5, 2.}), 1.1);
  EXPECT_GT(s[HomogenisedLaminate::jump_norm_index], 1e-3);
  EXPECT_LT(objectivity_error(*m, general_F(0.06), F_old, 1., s, Q), 1e-10);
  EXPECT_LT(tangent_error(*m, general_F(0.06), F_old, 1., s), 1e-6);
}

// (i) Identical sub-models: a = 0 and exactly the sub-model's response,
// over several plastic steps.
TEST(HomogenisedLaminate, IdenticalSubModelsGiveTheSubModel)
{
  const auto          m = laminate(std::make_unique<J2Plasticity>(soft()),
                          std::make_unique<J2Plasticity>(soft()));
  const J2Plasticity  single(soft());
  std::vector<double> s = fresh_state(*m), s1 = fresh_state(single), s_new,
                      s1_new;
  Tensor2 F_old = I;
  for (unsigned int n = 1; n <= 3; ++n)
  {
    const Tensor2      F  = general_F(0.02 * n);
    const UpdateResult r  = run_update(*m, F, F_old, 1., s, &s_new);
    const UpdateResult r1 = run_update(single, F, F_old, 1., s1, &s1_new);
    ASSERT_TRUE(r.converged);
    EXPECT_EQ((r.P - r1.P).norm(), 0.);
    EXPECT_EQ(max_abs_difference(r.dP_dF, r1.dP_dF), 0.);
    EXPECT_EQ(s_new[HomogenisedLaminate::jump_norm_index], 0.);
    EXPECT_EQ(m->crystal_state(s_new), s1_new);
    EXPECT_EQ(m->glass_state(s_new), s1_new);
    s     = s_new;
    s1    = s1_new;
    F_old = F;
  }
  EXPECT_GT(single.equivalent_plastic_strain(s1), 0.01);
  EXPECT_EQ(m->equivalent_plastic_strain(s),
            single.equivalent_plastic_strain(s1));
}

// (ii) Elastic layers with nu = 0: series modulus along N0, parallel
// (Voigt) modulus in-plane, both from the exact tangent at F = I and from
// a small uniaxial-stress step.
TEST(HomogenisedLaminate, SeriesAndParallelModuli)
{
  const double E_c = 200000., E_g = 80000., f_c = 0.6, f_g = 0.4;
  const auto   m          = laminate(std::make_unique<NeoHookean>(E_c, 0.),
                          std::make_unique<NeoHookean>(E_g, 0.),
                          f_c);
  const double E_series   = 1. / (f_c / E_c + f_g / E_g);
  const double E_parallel = f_c * E_c + f_g * E_g;
  const auto   s          = fresh_state(*m);

  const UpdateResult r0 = run_update(*m, I, I, 1., s);
  ASSERT_TRUE(r0.converged);
  EXPECT_NEAR(r0.dP_dF[2][2][2][2], E_series, 1e-10 * E_series);
  EXPECT_NEAR(r0.dP_dF[0][0][0][0], E_parallel, 1e-10 * E_parallel);
  EXPECT_NEAR(r0.dP_dF[1][1][1][1], E_parallel, 1e-10 * E_parallel);

  const double        eps = 1e-6;
  std::vector<double> s_new;
  Tensor2             F;
  // Along N0 (z): layers in series, equal stress, strains add up.
  UpdateResult r = uniaxial_stress(*m, 2, 1. - eps, I, s, s_new, F);
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(-r.P[2][2] / eps, E_series, 1e-5 * E_series);
  // The jump is the difference of the layer strains: sigma/E_g - sigma/E_c.
  const double sigma = -r.P[2][2];
  EXPECT_NEAR(s_new[HomogenisedLaminate::jump_norm_index],
              sigma / E_g - sigma / E_c,
              1e-5 * sigma / E_g);
  // In-plane (x): layers in parallel, equal strain, stresses add up.
  r = uniaxial_stress(*m, 0, 1. - eps, I, s, s_new, F);
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(-r.P[0][0] / eps, E_parallel, 1e-5 * E_parallel);
}

// (iii) After an update the stored jump gives phase deformations whose
// stresses satisfy traction continuity and average to P.
TEST(HomogenisedLaminate, TractionContinuity)
{
  const auto    m  = j2_laminate();
  const Tensor1 N0 = Tensor1({1., 2., 2.}) / 3.;
  Tensor2       F_old;
  const auto    s = deformed_state(*m, F_old, 0.025, 3, N0);
  for (unsigned int i = 0; i < 3; ++i)
    EXPECT_NEAR(HomogenisedLaminate::layer_normal(s)[i], N0[i], 1e-15);

  const Tensor2       F = general_F(0.09);
  std::vector<double> s_new;
  const UpdateResult  r = run_update(*m, F, F_old, 1., s, &s_new);
  ASSERT_TRUE(r.converged);

  // The sub-models, run by hand on the phase deformations.
  Tensor2 F_c, F_g, F_c_old, F_g_old;
  m->phase_deformations(F, s_new, F_c, F_g);
  m->phase_deformations(F_old, s, F_c_old, F_g_old);
  EXPECT_LT((0.6 * F_c + 0.4 * F_g - F).norm(), 1e-14);
  const UpdateResult rc =
    run_update(m->crystal_model(), F_c, F_c_old, 1., m->crystal_state(s));
  const UpdateResult rg =
    run_update(m->glass_model(), F_g, F_g_old, 1., m->glass_state(s));
  ASSERT_TRUE(rc.converged && rg.converged);
  EXPECT_GT((rc.P - rg.P).norm(), 0.05 * r.P.norm()); // phases differ
  EXPECT_LT(((rc.P - rg.P) * N0).norm(), 1e-10 * r.P.norm());
  EXPECT_LT((0.6 * rc.P + 0.4 * rg.P - r.P).norm(), 1e-12 * r.P.norm());
  // Cauchy tractions on the current interface are continuous as well.
  const Tensor1 n = dealii::transpose(dealii::invert(F)) * N0 /
                    (dealii::transpose(dealii::invert(F)) * N0).norm();
  EXPECT_LT(((cauchy(rc.P, F_c) - cauchy(rg.P, F_g)) * n).norm(),
            1e-10 * r.P.norm());
}

// (iv) Rigid-plastic-like layers (perfectly plastic J2, nearly
// incompressible elasticity so that Kirchhoff and Cauchy stresses agree to
// ~0.1 %). The layers share the in-plane strain, so with isochoric flow they
// share the axial strain too: compressed along N0 both must flow, and the
// axial stress tends to f_c Y_c + f_g Y_g (not to the lower yield stress
// Y_g), with the soft layer in in-plane compression sigma - Y_g and the hard
// one in in-plane tension f_g/f_c (sigma - Y_g). In-plane loading gives the
// same rule of mixtures with no in-plane constraint stresses.
TEST(HomogenisedLaminate, RigidPlasticLimitRuleOfMixtures)
{
  const double Y_c = 3300., Y_g = 1800., f_c = 0.6, f_g = 0.4;
  const double limit = f_c * Y_c + f_g * Y_g; // 2700 MPa
  const auto   m =
    laminate(std::make_unique<J2Plasticity>(j2(200000., 0.49, Y_c, 0.)),
             std::make_unique<J2Plasticity>(j2(92000., 0.49, Y_g, 0.)),
             f_c);
  for (const unsigned int d : {2u, 0u}) // along N0, then in-plane
  {
    std::vector<double> s     = fresh_state(*m), s_new;
    Tensor2             F_old = I, F;
    UpdateResult        r;
    for (unsigned int n = 1; n <= 50; ++n)
    {
      r = uniaxial_stress(*m, d, 1. - 0.002 * n, F_old, s, s_new, F);
      ASSERT_TRUE(r.converged) << "axis " << d << ", step " << n;
      s     = s_new;
      F_old = F;
    }
    const Tensor2 sigma = cauchy(r.P, F);
    EXPECT_NEAR(-sigma[d][d], limit, 0.003 * limit) << "axis " << d;
    EXPECT_GT(-sigma[d][d], 1.4 * Y_g);

    Tensor2 F_c, F_g;
    m->phase_deformations(F, s, F_c, F_g);
    const Tensor2 sc = cauchy(
      run_update(m->crystal_model(), F_c, F_c, 1., m->crystal_state(s)).P, F_c);
    const Tensor2 sg =
      cauchy(run_update(m->glass_model(), F_g, F_g, 1., m->glass_state(s)).P,
             F_g);
    const unsigned int t = (d + 1) % 3; // a transverse axis
    if (d == 2)
    {
      // In-plane constraint stresses of the co-deformation.
      EXPECT_NEAR(sg[t][t], -(limit - Y_g), 0.01 * limit);
      EXPECT_NEAR(sc[t][t], f_g / f_c * (limit - Y_g), 0.01 * limit);
      EXPECT_NEAR(sc[d][d], sg[d][d], 1e-8 * limit);
    }
    else
    {
      EXPECT_NEAR(-sc[d][d], Y_c, 0.003 * Y_c);
      EXPECT_NEAR(-sg[d][d], Y_g, 0.003 * Y_g);
      EXPECT_NEAR(sc[t][t], 0., 0.003 * limit);
    }
  }
}

// The point context reaches the sub-models with the layer thicknesses of
// the parameters; N0 is normalised; the old deformations handed to the
// sub-models are the ones they converged at (Probe fails otherwise).
TEST(HomogenisedLaminate, ContextAndConsistentOldDeformations)
{
  HomogenisedLaminate::Parameters p;
  p.crystal_layer_thickness = 0.018;
  p.glass_layer_thickness   = 0.012;
  const HomogenisedLaminate m(std::make_unique<Probe>(200000., 0.3),
                              std::make_unique<Probe>(90000., 0.36),
                              p);
  PointContext              c;
  c.layer_thickness = 2.4;
  c.layer_normal    = Tensor1({0., 3., 4.});
  std::vector<double> s(m.n_state());
  m.initialise_state(c, s);
  EXPECT_EQ(m.n_state(), HomogenisedLaminate::n_own_state + 20);
  EXPECT_DOUBLE_EQ(s[m.crystal_offset()], 0.018);
  EXPECT_DOUBLE_EQ(s[m.glass_offset()], 0.012);
  EXPECT_DOUBLE_EQ(HomogenisedLaminate::layer_normal(s)[1], 0.6);
  EXPECT_DOUBLE_EQ(HomogenisedLaminate::layer_normal(s)[2], 0.8);

  std::vector<double> s_new;
  Tensor2             F_old = I;
  for (unsigned int n = 1; n <= 4; ++n)
  {
    const Tensor2 F = general_F(0.03 * n);
    ASSERT_TRUE(run_update(m, F, F_old, 1., s, &s_new).converged)
      << "step " << n;
    EXPECT_GT(s_new[HomogenisedLaminate::jump_norm_index], 1e-3);
    s     = s_new;
    F_old = F;
  }

  // Outputs: clashing names prefixed, the laminate's own at the end.
  const std::vector<std::string> expected = {
    "crystal_probe",
    "crystal_thickness",
    "glass_probe",
    "glass_thickness",
    "crystal_equivalent_plastic_strain",
    "glass_equivalent_plastic_strain",
    "laminate_jump_norm"};
  EXPECT_EQ(m.output_names(), expected);
  std::vector<double> v;
  m.output_values(s, v);
  ASSERT_EQ(v.size(), expected.size());
  EXPECT_DOUBLE_EQ(v[1], 0.018);
  EXPECT_DOUBLE_EQ(v[3], 0.012);
  EXPECT_EQ(v[6], s[HomogenisedLaminate::jump_norm_index]);

  // A diffusing variable of the glass is forwarded with its offset.
  EXPECT_EQ(m.diffusing_state_index(), m.glass_offset());
  EXPECT_EQ(m.diffusivity(), 1e-3);
}

// Issue 14, item 2: the crystal sub-point is a layer bounded by glass, so
// its interface barrier acts even though the host pillar is one material
// ('Layer stack = laminate', no interface in the pillar's context).
TEST(HomogenisedLaminate, CrystalSubPointHasItsInterface)
{
  using crystal::CrystalPlasticity;
  CrystalPlasticity::Parameters cp;
  cp.initial_phase  = "FCC";
  cp.transformation = false;
  HomogenisedLaminate::Parameters p;
  p.crystal_layer_thickness     = 0.018;
  p.glass_layer_thickness       = 0.012;
  auto crystal_model            = std::make_unique<CrystalPlasticity>(cp);
  const CrystalPlasticity  &cpm = *crystal_model;
  const HomogenisedLaminate m(std::move(crystal_model),
                              std::make_unique<NeoHookean>(90000., 0.36),
                              p);
  PointContext c; // the host pillar's context: one material, no interface
  c.layer_index         = 0;
  c.layer_thickness     = 2.4;
  c.layer_has_interface = false;
  std::vector<double> s(m.n_state());
  m.initialise_state(c, s);
  const std::vector<double> sc(s.begin() + m.crystal_offset(),
                               s.begin() + m.crystal_offset() + cpm.n_state());
  const auto g = cpm.slip_strengths(CrystalPlasticity::Phase::fcc, I, sc);
  // No Hall-Petch (single crystal): the strength above τ0 is the CLS term
  // of an 18 nm layer (~800 MPa on {111}).
  for (const double ga : g)
    EXPECT_GT(ga - cp.fcc.families[0].tau0, 500.);
}

TEST(HomogenisedLaminate, FailingSubModelIsReported)
{
  const auto m = laminate(std::make_unique<NeoHookean>(200000., 0.3),
                          std::make_unique<Failing>(90000., 0.3));
  EXPECT_FALSE(
    run_update(*m, general_F(0.01), I, 1., fresh_state(*m)).converged);
}

TEST(HomogenisedLaminate, EquivalentPlasticStrainIsVolumeWeighted)
{
  const auto   m = laminate(std::make_unique<NeoHookean>(200000., 0.3),
                          std::make_unique<J2Plasticity>(soft()),
                          0.7);
  Tensor2      F_old;
  const auto   s = deformed_state(*m, F_old, 0.03);
  const double ep =
    m->glass_model().equivalent_plastic_strain(m->glass_state(s));
  EXPECT_GT(ep, 0.);
  EXPECT_NEAR(m->equivalent_plastic_strain(s), 0.3 * ep, 1e-15);
}

TEST(HomogenisedLaminate, BadParametersAreRejected)
{
  HomogenisedLaminate::Parameters p;
  p.crystal_fraction = 1.2;
  EXPECT_ANY_THROW(HomogenisedLaminate(std::make_unique<NeoHookean>(1e5, 0.3),
                                       std::make_unique<NeoHookean>(1e5, 0.3),
                                       p));
  EXPECT_ANY_THROW(HomogenisedLaminate(std::make_unique<NeoHookean>(1e5, 0.3),
                                       nullptr,
                                       HomogenisedLaminate::Parameters()));
}

// A sub-model other than the default cannot read its entries from a file:
// a clear message, not a bare "entry undeclared".
TEST(HomogenisedLaminate, NonDefaultSubModelInParameterFileIsExplained)
{
  ASSERT_TRUE(Registry::has("homogenised laminate"));
  dealii::ParameterHandler prm;
  Registry::declare_parameters("homogenised laminate", prm);
  prm.parse_input_from_string("set Crystal model = J2 plasticity\n");
  try
  {
    Registry::create("homogenised laminate", prm);
    FAIL() << "no exception";
  }
  catch (const std::exception &e)
  {
    // deal.II wraps the message: compare with collapsed white space.
    std::string text;
    for (const char c : std::string(e.what()))
      if (!std::isspace(static_cast<unsigned char>(c)))
        text += c;
      else if (!text.empty() && text.back() != ' ')
        text += ' ';
    EXPECT_NE(text.find("Crystal model = J2 plasticity: only the entries of "
                        "the default model <crystal plasticity>"),
              std::string::npos)
      << e.what();
  }
}

// The defaults (crystal plasticity + free volume glass) from a parameter
// file; skipped while the crystal model is not registered.
TEST(HomogenisedLaminate, ParameterFileDefaults)
{
  if (!Registry::has("crystal plasticity"))
    GTEST_SKIP() << "crystal plasticity is not registered";
  ASSERT_TRUE(Registry::has("free volume glass"));
  dealii::ParameterHandler prm;
  Registry::declare_parameters("homogenised laminate", prm);
  prm.parse_input_from_string("set Crystal volume fraction = 0.6\n"
                              "subsection Glass\n"
                              "  set Young's modulus = 92000\n"
                              "end\n");
  const auto  model = Registry::create("homogenised laminate", prm);
  const auto *m     = dynamic_cast<const HomogenisedLaminate *>(model.get());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->n_state(),
            HomogenisedLaminate::n_own_state + m->crystal_model().n_state() +
              m->glass_model().n_state());
  const auto names = m->output_names();
  for (const std::string n :
       {"fcc_fraction", "free_volume", "laminate_jump_norm"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;

  // An elastic step, then timing of a few steps at 5e-3/s strain rate.
  const auto   s  = fresh_state(*m);
  const double dt = 0.2;
  Tensor2      F  = I;
  F[2][2]         = 1. - 5e-3 * dt;
  F[0][0] = F[1][1] = 1. + 0.15 * 5e-3 * dt;
  std::vector<double> s_new;
  const UpdateResult  r = run_update(*m, F, I, dt, s, &s_new);
  ASSERT_TRUE(r.converged);
  Tensor2 F_c, F_g;
  m->phase_deformations(F, s_new, F_c, F_g);
  const UpdateResult rc =
    run_update(m->crystal_model(), F_c, I, dt, m->crystal_state(s));
  const UpdateResult rg =
    run_update(m->glass_model(), F_g, I, dt, m->glass_state(s));
  EXPECT_LT(((rc.P - rg.P) * Tensor1({0., 0., 1.})).norm(), 1e-8 * r.P.norm());

  const auto     t0 = std::chrono::steady_clock::now();
  const unsigned n  = 50;
  for (unsigned int i = 0; i < n; ++i)
    run_update(*m, F, I, dt, s);
  const double us = std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - t0)
                      .count() /
                    n;
  std::cout << "[ timing ] laminate (crystal plasticity + free volume glass), "
               "elastic step: "
            << us << " us per update\n";
}

// ---- Phase-field fracture per phase (update_degraded(), issue 13) ----

namespace
{
  namespace pf = phase_field;

  // The per-phase-degraded laminate at a fixed g as a Model, so that the
  // generic tangent and objectivity checks apply; keeps the psi+ of its
  // last update.
  class DegradedLaminate : public micropillar::testing::WrappedModel
  {
  public:
    DegradedLaminate(const HomogenisedLaminate &lam,
                     const pf::PhaseDegradation deg)
        : WrappedModel(lam)
        , lam(lam)
        , deg(deg)
    {
    }
    void
    update(const Tensor2             &F,
           const Tensor2             &F_old,
           const double               dt,
           const std::vector<double> &old_state,
           std::vector<double>       &new_state,
           UpdateResult              &r) const override
    {
      lam.update_degraded(F, F_old, dt, old_state, new_state, r, deg, psi);
    }
    const HomogenisedLaminate &lam;
    pf::PhaseDegradation       deg;
    mutable double             psi[2] = {0., 0.};
  };

  pf::PhaseDegradation
  phase_degradation(const HomogenisedLaminate &m,
                    const double               g,
                    const pf::Split            split,
                    const bool                 crystal,
                    const bool                 glass)
  {
    pf::PhaseDegradation d;
    d.g         = g;
    d.split     = split;
    d.cracks[0] = crystal;
    d.cracks[1] = glass;
    d.moduli[0] = pf::isotropic_moduli(m.crystal_model(), PointContext());
    d.moduli[1] = pf::isotropic_moduli(m.glass_model(), PointContext());
    return d;
  }

  // Compression along N0 = z with the lateral stretch of a flowing pillar
  // and some shear: the hard (crystal-like) layer is in in-plane tension.
  Tensor2
  compression_F(const double e)
  {
    Tensor2 F = I;
    F[2][2]   = 1. - e;
    F[0][0] = F[1][1] = 1. + 0.5 * e;
    F[0][2]           = 0.1 * e;
    F[1][0]           = -0.05 * e;
    return F;
  }
} // namespace

// Consistent tangent (d fixed) of the per-phase-degraded laminate against
// central differences: J2 layers flowing, the three splits, each phase and both
// cracking, g = 0.3 and 1e-3, under a general deformation and under
// compression along N0 (the in-plane tension of the hard layer).
TEST(HomogenisedLaminate, PerPhaseDegradedTangent)
{
  const auto m = j2_laminate();
  for (const bool compression : {false, true})
  {
    Tensor2             F_old = I;
    std::vector<double> s     = fresh_state(*m), s_new;
    if (compression)
      for (unsigned int n = 1; n <= 4; ++n)
      {
        ASSERT_TRUE(
          run_update(*m, compression_F(0.01 * n), F_old, 1., s, &s_new)
            .converged);
        s     = s_new;
        F_old = compression_F(0.01 * n);
      }
    else
      s = deformed_state(*m, F_old, 0.02);
    const Tensor2 F = compression ? compression_F(0.05) : general_F(0.06);
    for (const auto split : {pf::Split::spectral,
                             pf::Split::volumetric_deviatoric,
                             pf::Split::orthogonal})
      for (const auto &phases : {std::make_pair(true, false),
                                 std::make_pair(false, true),
                                 std::make_pair(true, true)})
        for (const double g : {0.3, 1e-3})
        {
          const DegradedLaminate d(
            *m, phase_degradation(*m, g, split, phases.first, phases.second));
          ASSERT_TRUE(run_update(d, F, F_old, 1., s, &s_new).converged);
          // both layers flow in the step
          EXPECT_GT(m->crystal_model().equivalent_plastic_strain(
                      m->crystal_state(s_new)),
                    m->crystal_model().equivalent_plastic_strain(
                      m->crystal_state(s)));
          EXPECT_LT(tangent_error(d, F, F_old, 1., s), 2e-6)
            << "compression " << compression << ", split "
            << static_cast<int>(split) << ", phases " << phases.first
            << phases.second << ", g " << g;
        }
  }
}

// Objectivity of the degraded stress and of each phase's psi+.
TEST(HomogenisedLaminate, PerPhaseDegradedObjectivity)
{
  const auto    m = j2_laminate();
  Tensor2       F_old;
  const auto    s = deformed_state(*m, F_old, 0.02);
  const Tensor2 Q = rotation(Tensor1({-1., 0.5, 2.}), 1.1);
  for (const auto split :
       {pf::Split::spectral, pf::Split::volumetric_deviatoric})
  {
    const DegradedLaminate d(*m, phase_degradation(*m, 0.2, split, true, true));
    EXPECT_LT(objectivity_error(d, general_F(0.06), F_old, 1., s, Q), 1e-10);
    run_update(d, general_F(0.06), F_old, 1., s);
    const double psi[2] = {d.psi[0], d.psi[1]};
    run_update(d, Q * general_F(0.06), Q * F_old, 1., s);
    EXPECT_GT(psi[0], 0.1); // not trivially zero
    for (unsigned int k = 0; k < 2; ++k)
      EXPECT_NEAR(d.psi[k], psi[k], 1e-10 * psi[k]);
  }
}

// d = 0 (g = 1): exactly today's laminate, stress, tangent and state.
TEST(HomogenisedLaminate, PerPhaseUndamagedIsTheLaminate)
{
  const auto          m = j2_laminate();
  Tensor2             F_old;
  const auto          s = deformed_state(*m, F_old, 0.02);
  std::vector<double> s1, s2;
  const UpdateResult  r = run_update(*m, general_F(0.06), F_old, 1., s, &s1);
  for (const auto split :
       {pf::Split::spectral, pf::Split::volumetric_deviatoric})
  {
    const DegradedLaminate d(*m, phase_degradation(*m, 1., split, true, true));
    const UpdateResult rd = run_update(d, general_F(0.06), F_old, 1., s, &s2);
    ASSERT_TRUE(r.converged && rd.converged);
    EXPECT_EQ((rd.P - r.P).norm(), 0.);
    EXPECT_EQ(max_abs_difference(rd.dP_dF, r.dP_dF), 0.);
    EXPECT_EQ(s1, s2);
  }
}

// Analytic case: two identical Hencky-elastic layers (J2 far below yield,
// E, nu), stretched in-plane by lambda = 1 + e (equal in-plane strain), free
// along N0 = z. One phase fully broken (g = 0, spectral split) and held at
// a stretch 1.01 along z, so all its principal strains are positive: it
// carries no stress at all; the intact phase carries the whole in-plane
// tension, tau_xx = E eps/(1 - nu) with eps = ln(lambda) and its free
// lateral strain eps_zz = -2 nu/(1 - nu) eps (its tau_zz = 0). The mixture
// P = f_intact P_intact. Both phases' psi+ (from their effective stresses)
// follow from the logarithmic strains in closed form.
TEST(HomogenisedLaminate, PerPhaseBrokenPhaseCarriesNoTension)
{
  const double E = 100000., nu = 0.3, f_c = 0.6, e = 0.01;
  const double eps = std::log(1. + e), ezz = -2. * nu / (1. - nu) * eps;
  const double lambda = E * nu / ((1. + nu) * (1. - 2. * nu)),
               G      = E / (2. * (1. + nu));
  for (const unsigned int broken : {0u, 1u})
  {
    const auto m = laminate(std::make_unique<J2Plasticity>(j2(E, nu, 1e9, 0.)),
                            std::make_unique<J2Plasticity>(j2(E, nu, 1e9, 0.)),
                            f_c);
    const double f_i = broken == 0 ? 1. - f_c : f_c; // intact fraction
    const double f_b = 1. - f_i;
    Tensor2      F   = I;
    F[0][0] = F[1][1] = 1. + e;
    F[2][2]           = f_i * std::exp(ezz) + f_b * 1.01;
    const DegradedLaminate d(
      *m,
      phase_degradation(*m, 0., pf::Split::spectral, broken == 0, broken == 1));
    std::vector<double> s = fresh_state(*m), s_new;
    const UpdateResult  r = run_update(d, F, I, 1., s, &s_new);
    ASSERT_TRUE(r.converged);
    Tensor2 Fk[2];
    m->phase_deformations(F, s_new, Fk[0], Fk[1]);
    const unsigned int intact = 1 - broken;
    EXPECT_NEAR(Fk[broken][2][2], 1.01, 1e-10);
    EXPECT_NEAR(Fk[intact][2][2], std::exp(ezz), 1e-10);
    // Kirchhoff stresses: P F^T (the broken phase's degraded P is the
    // laminate's P_b = (P - f_i P_i) / f_b).
    const Tensor2 tau_mix = r.P * dealii::transpose(F);
    const double  tau_xx  = E * eps / (1. - nu);
    // mixture in-plane: f_i tau_i F^-T F^T with F_xx equal in both phases
    EXPECT_NEAR(tau_mix[0][0], f_i * tau_xx, 1e-8 * tau_xx);
    EXPECT_NEAR(tau_mix[1][1], f_i * tau_xx, 1e-8 * tau_xx);
    EXPECT_NEAR(r.P[2][2], 0., 1e-8 * tau_xx);
    // psi+ of the spectral split: the intact phase (eps, eps, ezz):
    // lambda/2 <tr>_+^2 + G (2 eps^2); the broken one (eps, eps, ln 1.01).
    const double tr_i = 2. * eps + ezz, e3 = std::log(1.01),
                 tr_b = 2. * eps + e3;
    EXPECT_NEAR(d.psi[intact],
                0.5 * lambda * tr_i * tr_i + 2. * G * eps * eps,
                1e-8 * d.psi[intact]);
    EXPECT_NEAR(d.psi[broken],
                0.5 * lambda * tr_b * tr_b + G * (2. * eps * eps + e3 * e3),
                1e-8 * d.psi[broken]);
  }
}

// Issue 16: the laminate forwards Model::start_step to its sub-models, and
// keeps a choice a sub-model holds for an attempt (the crystal's frozen
// sub-step count, "Sub-step rule = per step") through the updates of the
// attempt, as the solver does for a crystal point: the count only grows
// within an attempt and start_step() forgets it.
TEST(HomogenisedLaminate, ForwardsStartStepAndKeepsFrozenSubsteps)
{
  using crystal::CrystalPlasticity;
  using Phase = CrystalPlasticity::Phase;
  CrystalPlasticity::Parameters cp;
  cp.initial_phase              = "FCC";
  cp.transformation             = false;
  cp.substeps_per_step          = true;
  auto crystal_model            = std::make_unique<CrystalPlasticity>(cp);
  const CrystalPlasticity  &cpm = *crystal_model;
  const HomogenisedLaminate m(std::move(crystal_model),
                              std::make_unique<NeoHookean>(90000., 0.36),
                              fractions(0.6));
  const auto                count = [&](const std::vector<double> &state)
  { return cpm.substep_count(Phase::fcc, m.crystal_state(state)); };
  const std::vector<double> s       = fresh_state(m);
  const Tensor2             F_small = compression_F(0.01);
  const Tensor2             F_big   = compression_F(0.08);
  // The persistent new state of the point, as the solver keeps it.
  std::vector<double> buf = s;
  UpdateResult        first, again, reset;
  m.start_step(buf);
  EXPECT_EQ(count(buf), 0u);
  m.update(F_small, I, 1., s, buf, first);
  const unsigned int m_small = count(buf);
  UpdateResult       big;
  m.update(F_big, I, 1., s, buf, big);
  const unsigned int m_big = count(buf);
  m.update(F_small, I, 1., s, buf, again);
  const unsigned int m_again = count(buf);
  m.start_step(buf);
  const unsigned int m_cleared = count(buf);
  m.update(F_small, I, 1., s, buf, reset);
  std::printf("laminate crystal m: %u at 1 %%, %u at 8 %%, %u back at 1 %% in "
              "the same attempt, %u after start_step, %u at 1 %% then\n",
              m_small,
              m_big,
              m_again,
              m_cleared,
              count(buf));
  ASSERT_TRUE(first.converged && big.converged && again.converged &&
              reset.converged);
  EXPECT_GE(m_small, 1u);
  EXPECT_GT(m_big, m_small) << "the large step did not grow the count";
  EXPECT_EQ(m_again, m_big) << "the count was not kept through the attempt";
  EXPECT_EQ(m_cleared, 0u) << "start_step was not forwarded";
  EXPECT_EQ(count(buf), m_small);
  EXPECT_LT((reset.P - first.P).norm(), 1e-12 * first.P.norm());
}
