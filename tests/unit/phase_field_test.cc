// The phase-field kernel (constitutive/phase_field.h): consistent tangent
// and objectivity of the degraded response, the isotropic moduli of a
// model, the volumetric-deviatoric split (a compressed volume keeps its
// bulk stress), and the homogeneous bar's peak stress against the
// analytic AT1 and AT2 values.
#include "material_checks.h"

#include <cmath>
#include <gtest/gtest.h>
#include <micropillar/constitutive/j2_plasticity.h>
#include <micropillar/constitutive/neo_hookean.h>
#include <micropillar/constitutive/phase_field.h>

using namespace micropillar;
using namespace micropillar::constitutive;
namespace pf = micropillar::constitutive::phase_field;

namespace
{
  // An inner model whose response is degraded with a fixed g, so that the
  // shared tangent and objectivity checks apply to degrade().
  class Degraded : public Model
  {
  public:
    Degraded(const Model &inner, const double g)
        : inner(inner)
        , g(g)
    {
    }
    unsigned int
    n_state() const override
    {
      return inner.n_state();
    }
    void
    initialise_state(const PointContext  &c,
                     std::vector<double> &s) const override
    {
      inner.initialise_state(c, s);
    }
    void
    update(const Tensor2             &F,
           const Tensor2             &F_old,
           const double               dt,
           const std::vector<double> &old_state,
           std::vector<double>       &new_state,
           UpdateResult              &r) const override
    {
      inner.update(F, F_old, dt, old_state, new_state, r);
      pf::degrade(r, F, g);
    }
    double
    shear_modulus() const override
    {
      return inner.shear_modulus();
    }

  private:
    const Model &inner;
    double       g;
  };

  Tensor2
  deformation(const double a, const double b, const double shear)
  {
    Tensor2 F = dealii::unit_symmetric_tensor<3>();
    F[0][0] += a;
    F[1][1] += b;
    F[2][2] += b;
    F[0][1] += shear;
    F[2][0] += 0.5 * shear;
    return F;
  }

  J2Plasticity
  j2()
  {
    J2Plasticity::Parameters p;
    p.youngs_modulus    = 100000.;
    p.poissons_ratio    = 0.3;
    p.yield_stress      = 300.;
    p.hardening_modulus = 2000.;
    return J2Plasticity(p);
  }
} // namespace

TEST(PhaseField, IsotropicModuliOfAnIsotropicModel)
{
  const NeoHookean   model(100000., 0.3);
  const PointContext c;
  const auto         m = pf::isotropic_moduli(model, c);
  EXPECT_NEAR(m.K, 100000. / (3. * (1. - 0.6)), 1e-6 * m.K);
  EXPECT_NEAR(m.G, 100000. / 2.6, 1e-6 * m.G);
}

TEST(PhaseField, DegradedTangentMatchesFiniteDifferences)
{
  const auto          inner = j2();
  std::vector<double> state(inner.n_state());
  inner.initialise_state(PointContext(), state);
  const Tensor2 I = dealii::unit_symmetric_tensor<3>();
  for (const double g : {1., 0.3, 1e-3})
  {
    const Degraded model(inner, g);
    // tension (p > 0), compression (p < 0, the split acts), both elastic
    // and plastic (the J2 yield strain is 0.003)
    for (const Tensor2 &F : {deformation(0.001, 0.0002, 0.0005),
                             deformation(-0.001, -0.0004, 0.0005),
                             deformation(0.01, -0.002, 0.004),
                             deformation(-0.01, -0.006, 0.004)})
      EXPECT_LT(
        micropillar::testing::tangent_error(model, F, I, 1., state, 1e-7), 2e-6)
        << "g = " << g;
  }
}

TEST(PhaseField, DegradedResponseIsObjective)
{
  const auto          inner = j2();
  std::vector<double> state(inner.n_state());
  inner.initialise_state(PointContext(), state);
  const Degraded model(inner, 0.2);
  const Tensor2  I = dealii::unit_symmetric_tensor<3>();
  const Tensor2  Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.7);
  for (const Tensor2 &F :
       {deformation(0.004, 0.001, 0.002), deformation(-0.008, -0.002, 0.003)})
    EXPECT_LT(
      micropillar::testing::objectivity_error(model, F, I, 1., state, Q),
      1e-10);
  // and so is the driving force
  const auto    m = pf::isotropic_moduli(inner, PointContext());
  const Tensor2 F = deformation(0.002, -0.001, 0.003);
  const auto    r = micropillar::testing::run_update(inner, F, I, 1., state);
  const auto rq  = micropillar::testing::run_update(inner, Q * F, I, 1., state);
  const double a = pf::energy_split(r.P * transpose(F), m).first;
  const double b = pf::energy_split(rq.P * transpose(Q * F), m).first;
  EXPECT_NEAR(a, b, 1e-12 * a);
}

TEST(PhaseField, SplitKeepsCompressionAndDrivesNoCrackUnderPressure)
{
  const NeoHookean    model(100000., 0.3);
  std::vector<double> state;
  const Tensor2       F = 0.99 * dealii::unit_symmetric_tensor<3>();
  const auto r = micropillar::testing::run_update(model, F, F, 1., state);
  const auto m = pf::isotropic_moduli(model, PointContext());
  // hydrostatic compression: no tensile energy ...
  const auto psi = pf::energy_split(r.P * transpose(F), m);
  EXPECT_EQ(psi.first, 0.);
  EXPECT_GT(psi.second, 0.);
  // ... and a fully broken point keeps its pressure
  UpdateResult broken = r;
  pf::degrade(broken, F, 1e-6);
  EXPECT_LT((broken.P - r.P).norm(), 1e-10 * r.P.norm());
  // in tension it loses all but g of its stress
  const Tensor2 Ft = 1.01 * dealii::unit_symmetric_tensor<3>();
  UpdateResult  pulled =
    micropillar::testing::run_update(model, Ft, Ft, 1., state);
  const Tensor2 P0 = pulled.P;
  pf::degrade(pulled, Ft, 0.25);
  EXPECT_LT((pulled.P - 0.25 * P0).norm(), 1e-12 * P0.norm());
}

TEST(PhaseField, HomogeneousBarPeakStressMatchesAnalytic)
{
  // Uniaxial stress with nu = 0 (uniaxial strain then is uniaxial stress):
  // stretch, update the history H = max psi+, the homogeneous damage and
  // the degraded stress; the largest stress against the analytic peak.
  const double E = 100000., Gc = 0.01, l = 0.05; // MPa, MPa um, um
  const J2Plasticity::Parameters p = [&]()
  {
    J2Plasticity::Parameters q;
    q.youngs_modulus = E;
    q.poissons_ratio = 0.;
    q.yield_stress   = 1e9; // elastic
    return q;
  }();
  const J2Plasticity  model(p);
  std::vector<double> state(model.n_state());
  model.initialise_state(PointContext(), state);
  const auto m = pf::isotropic_moduli(model, PointContext());
  for (const auto f : {pf::Functional::AT1, pf::Functional::AT2})
  {
    double H = 0., peak = 0.;
    for (double eps = 0.; eps < 0.02; eps += 1e-6)
    {
      Tensor2 F = dealii::unit_symmetric_tensor<3>();
      F[0][0]   = std::exp(eps); // Hencky strain eps
      auto r    = micropillar::testing::run_update(model, F, F, 1., state);
      H         = std::max(H, pf::energy_split(r.P * transpose(F), m).first);
      const double d = pf::homogeneous_damage(f, H, Gc, l);
      pf::degrade(r, F, pf::degradation(d, 0.));
      peak = std::max(peak, (r.P * transpose(F))[0][0] / std::exp(eps));
    }
    const double expected = pf::peak_stress(f, E, Gc, l);
    EXPECT_NEAR(peak, expected, 0.01 * expected)
      << (f == pf::Functional::AT1 ? "AT1" : "AT2");
  }
}

namespace
{
  // W_p = sum of plastic_work_increment along an isochoric stretch
  // F_n = Q_n diag(lam, lam^-1/2, lam^-1/2), lam = exp(eps_n), with the
  // model's own state carried from step to step.
  double
  plastic_work_along(const Model &model,
                     const double eps_end,
                     const bool   rotate)
  {
    std::vector<double> old_state(model.n_state()), new_state;
    model.initialise_state(PointContext(), old_state);
    new_state             = old_state;
    Tensor2            Fo = dealii::unit_symmetric_tensor<3>();
    double             W  = 0.;
    const unsigned int n  = 400;
    for (unsigned int k = 1; k <= n; ++k)
    {
      const double eps = eps_end * k / n;
      Tensor2      F;
      F[0][0] = std::exp(eps);
      F[1][1] = F[2][2] = std::exp(-0.5 * eps);
      if (rotate) // a rotation that turns with the load
        F = micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}),
                                           2. * k / n) *
            F;
      UpdateResult r;
      model.update(F, Fo, 1., old_state, new_state, r);
      W +=
        pf::plastic_work_increment(r.P * transpose(F),
                                   model.equivalent_plastic_strain(old_state),
                                   model.equivalent_plastic_strain(new_state));
      old_state = new_state;
      Fo        = F;
    }
    return W;
  }
} // namespace

TEST(PhaseField, PlasticWorkOfJ2IsSigmaYTimesPlasticStrain)
{
  // Perfectly plastic J2 (sigma_y = 300 MPa, E = 100 GPa): after yield the
  // von Mises stress is sigma_y, so W_p = sigma_y * ep with ep the model's
  // equivalent plastic strain = eps - sigma_y/(3G) along the isochoric
  // stretch (eps the axial Hencky strain, von Mises equivalent eps).
  J2Plasticity::Parameters p;
  p.youngs_modulus    = 100000.;
  p.poissons_ratio    = 0.3;
  p.yield_stress      = 300.;
  p.hardening_modulus = 0.;
  const J2Plasticity model(p);
  const double       G   = 100000. / 2.6;
  const double       eps = 0.1;
  const double       W   = plastic_work_along(model, eps, false);
  EXPECT_NEAR(W, 300. * (eps - 300. / (3. * G)), 0.01 * W);
  // objective: the same with a rotation superposed that changes with the
  // load (both factors of the increment are invariants)
  EXPECT_NEAR(plastic_work_along(model, eps, true), W, 1e-9 * W);
  // an elastic response does no plastic work, to round-off
  p.yield_stress = 1e9;
  EXPECT_EQ(plastic_work_along(J2Plasticity(p), eps, false), 0.);
  EXPECT_EQ(plastic_work_along(NeoHookean(100000., 0.3), eps, true), 0.);
}
