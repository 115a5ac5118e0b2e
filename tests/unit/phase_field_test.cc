// The phase-field kernel (constitutive/phase_field.h): consistent tangent
// and objectivity of the degraded response, the isotropic moduli of a
// model, the volumetric-deviatoric split (a compressed volume keeps its
// bulk stress), the spectral split (tangent with distinct and repeated
// principal strains, objectivity, uniaxial stress against its analytic
// energies and broken stress), and the homogeneous bar's peak stress against
// the analytic AT1 and AT2 values; the spectral split's work around a
// closed strain path (zero for an isotropic Hencky model and, to O(strain),
// for the volumetric-deviatoric split of the HCP constants; not for the
// spectral split of an anisotropic model: a disabled test that documents
// the defect); the orthogonal split (stored energy, uniaxial stress against
// its analytic energies and broken stress, tangent with the step's rotation
// of the metric, objectivity, conservative around the closed path for the
// anisotropic model and the real HCP crystal, whose elastic_stiffness() is
// its rotated lattice stiffness).
#include "material_checks.h"

#include <array>
#include <cmath>
#include <gtest/gtest.h>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>
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
  class Degraded : public micropillar::testing::WrappedModel
  {
  public:
    Degraded(const Model              &inner,
             const double              g,
             const pf::Split           split = pf::Split::volumetric_deviatoric,
             const pf::IsotropicModuli moduli = pf::IsotropicModuli())
        : WrappedModel(inner)
        , g(g)
        , split(split)
        , moduli(moduli)
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
      inner.update(F, F_old, dt, old_state, new_state, r);
      if (split == pf::Split::volumetric_deviatoric)
        pf::degrade(r, F, g);
      else
      {
        // as the damage field: the orthogonal split in the model's own
        // stiffness at (F_old, old state), if it has one
        pf::Stiffness     C_n;
        pf::StepStiffness C;
        const bool        own = split == pf::Split::orthogonal &&
                         inner.elastic_stiffness(F_old, old_state, C_n);
        if (own)
          C = pf::step_stiffness(C_n, F_old);
        pf::degrade(r, F, g, split, moduli, own ? &C : nullptr);
      }
    }

  private:
    double              g;
    pf::Split           split;
    pf::IsotropicModuli moduli;
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

  // E = 100 GPa, nu = 0.3.
  J2Plasticity
  j2(const double yield_stress = 300., const double hardening = 2000.)
  {
    J2Plasticity::Parameters p;
    p.youngs_modulus    = 100000.;
    p.poissons_ratio    = 0.3;
    p.yield_stress      = yield_stress;
    p.hardening_modulus = hardening;
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
  const J2Plasticity model = j2(300., 0.);
  const double       G     = 100000. / 2.6;
  const double       eps   = 0.1;
  const double       W     = plastic_work_along(model, eps, false);
  EXPECT_NEAR(W, 300. * (eps - 300. / (3. * G)), 0.01 * W);
  // objective: the same with a rotation superposed that changes with the
  // load (both factors of the increment are invariants)
  EXPECT_NEAR(plastic_work_along(model, eps, true), W, 1e-9 * W);
  // an elastic response does no plastic work, to round-off
  EXPECT_EQ(plastic_work_along(j2(1e9, 0.), eps, false), 0.);
  EXPECT_EQ(plastic_work_along(NeoHookean(100000., 0.3), eps, true), 0.);
}

namespace
{
  Tensor2
  diagonal(const double a, const double b, const double c)
  {
    Tensor2 F;
    F[0][0] = a;
    F[1][1] = b;
    F[2][2] = c;
    return F;
  }
} // namespace

TEST(PhaseField, SpectralTangentMatchesFiniteDifferences)
{
  const auto          inner = j2();
  std::vector<double> state(inner.n_state());
  inner.initialise_state(PointContext(), state);
  const auto    m = pf::isotropic_moduli(inner, PointContext());
  const Tensor2 I = dealii::unit_symmetric_tensor<3>();
  // distinct principal strains (with shear), tension and compression,
  // elastic and plastic (J2 yield strain 0.003), and repeated ones: uniaxial
  // compression (two equal stretched lateral strains) and tension (two equal
  // compressed ones), elastic and plastic, and hydrostatic (three equal)
  const std::vector<std::pair<std::string, Tensor2>> cases = {
    {"distinct, tension", deformation(0.001, 0.0002, 0.0005)},
    {"distinct, compression", deformation(-0.001, -0.0004, 0.0005)},
    {"distinct, plastic tension", deformation(0.01, -0.002, 0.004)},
    {"distinct, plastic compression", deformation(-0.01, -0.006, 0.004)},
    {"repeated, uniaxial compression", diagonal(0.998, 1.0006, 1.0006)},
    {"repeated, uniaxial tension", diagonal(1.002, 0.9994, 0.9994)},
    {"repeated, plastic compression", diagonal(0.99, 1.005, 1.005)},
    {"repeated, plastic tension", diagonal(1.01, 0.995, 0.995)},
    {"triple, hydrostatic tension", 1.001 * I},
    {"triple, hydrostatic compression", 0.999 * I}};
  for (const double g : {1., 0.3, 1e-3})
  {
    const Degraded model(inner, g, pf::Split::spectral, m);
    for (const auto &[name, F] : cases)
      EXPECT_LT(
        micropillar::testing::tangent_error(model, F, I, 1., state, 1e-7), 2e-6)
        << name << ", g = " << g;
  }
}

TEST(PhaseField, SpectralResponseIsObjective)
{
  const auto          inner = j2();
  std::vector<double> state(inner.n_state());
  inner.initialise_state(PointContext(), state);
  const auto     m = pf::isotropic_moduli(inner, PointContext());
  const Degraded model(inner, 0.2, pf::Split::spectral, m);
  const Tensor2  I = dealii::unit_symmetric_tensor<3>();
  const Tensor2  Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.7);
  for (const Tensor2 &F : {deformation(0.004, 0.001, 0.002),
                           deformation(-0.008, -0.002, 0.003),
                           diagonal(0.998, 1.0006, 1.0006)})
  {
    EXPECT_LT(
      micropillar::testing::objectivity_error(model, F, I, 1., state, Q),
      1e-10);
    const auto r = micropillar::testing::run_update(inner, F, I, 1., state);
    const auto rq =
      micropillar::testing::run_update(inner, Q * F, I, 1., state);
    const auto a = pf::energy_split(r.P * transpose(F), m, pf::Split::spectral);
    const auto b =
      pf::energy_split(rq.P * transpose(Q * F), m, pf::Split::spectral);
    EXPECT_NEAR(a.first, b.first, 1e-12 * (a.first + a.second));
    EXPECT_NEAR(a.second, b.second, 1e-12 * (a.first + a.second));
  }
}

TEST(PhaseField, SpectralSplitOfUniaxialStressMatchesAnalytic)
{
  // Uniaxial Kirchhoff stress tau = sigma e1 (x) e1: the isotropic elastic
  // strain is sigma/E (1, -nu, -nu). Compression (sigma < 0): tr eps =
  // (1 - 2 nu) sigma/E < 0 and only the two equal lateral strains -nu
  // sigma/E are positive, psi+ = 2 G (nu sigma/E)^2; the broken point
  // (g = 0) loses their stress 2 G (-nu sigma/E) and keeps the axial
  // sigma: tau = diag(sigma, nu sigma/(1 + nu), nu sigma/(1 + nu)) at the
  // same strain. Tension (sigma > 0): psi- = 2 G (nu sigma/E)^2, the rest
  // of sigma^2/(2E) drives, and the broken point keeps only the lateral
  // compression 2 G (-nu sigma/E) = -nu sigma/(1 + nu) of the compressed
  // lateral strains.
  const double              E = 100000., nu = 0.3;
  const pf::IsotropicModuli m{E / (3. * (1. - 2. * nu)), E / (2. * (1. + nu))};
  const Tensor2             I = dealii::unit_symmetric_tensor<3>();
  for (const double sigma : {-500., 500.})
  {
    const Tensor2 tau   = diagonal(sigma, 0., 0.);
    const auto    psi   = pf::energy_split(tau, m, pf::Split::spectral);
    const double  total = sigma * sigma / (2. * E);
    const double  lat   = 2. * m.G * std::pow(nu * sigma / E, 2);
    EXPECT_NEAR(sigma < 0. ? psi.first : psi.second, lat, 1e-12 * total);
    EXPECT_NEAR(psi.first + psi.second, total, 1e-12 * total);
    // Amor drives compression with the whole deviatoric energy
    // sigma^2/(6G), 3 nu^2/(1 + nu)^2 = 6 times more at nu = 0.3
    if (sigma < 0.)
    {
      EXPECT_NEAR(pf::energy_split(tau, m).first,
                  sigma * sigma / (6. * m.G),
                  1e-12 * total);
    }
    UpdateResult r;
    r.P = tau; // F = I: P = tau
    pf::degrade(r, I, 0., pf::Split::spectral, m);
    const double  q = nu * sigma / (1. + nu);
    const Tensor2 broken =
      sigma < 0. ? diagonal(sigma, q, q) : diagonal(0., -q, -q);
    EXPECT_LT((r.P - broken).norm(), 1e-12 * std::abs(sigma)) << sigma;
  }
}

namespace
{
  // Saint Venant-Kirchhoff with a transversely isotropic C (axis z; the
  // HCP Cr-Co-Ni constants of prm/laminate*.prm): P = F (C : E).
  class AnisotropicSVK : public Model
  {
  public:
    AnisotropicSVK()
    {
      const double c11 = 340000., c12 = 120000., c13 = 90000., c33 = 370000.,
                   c44 = 80000., c66 = 0.5 * (c11 - c12);
      // C_ijkl (one entry per pair), with its minor and major symmetries
      const std::array<double, 5> entries[] = {{{0, 0, 0, 0, c11}},
                                               {{1, 1, 1, 1, c11}},
                                               {{2, 2, 2, 2, c33}},
                                               {{0, 0, 1, 1, c12}},
                                               {{0, 0, 2, 2, c13}},
                                               {{1, 1, 2, 2, c13}},
                                               {{1, 2, 1, 2, c44}},
                                               {{0, 2, 0, 2, c44}},
                                               {{0, 1, 0, 1, c66}}};
      for (const auto &e : entries)
      {
        const unsigned int i = e[0], j = e[1], k = e[2], l = e[3];
        C[i][j][k][l] = C[j][i][k][l] = C[i][j][l][k] = C[j][i][l][k] = e[4];
        C[k][l][i][j] = C[l][k][i][j] = C[k][l][j][i] = C[l][k][j][i] = e[4];
      }
    }
    unsigned int
    n_state() const override
    {
      return 0;
    }
    void
    initialise_state(const PointContext &, std::vector<double> &) const override
    {
    }
    double
    shear_modulus() const override
    {
      return 80000.;
    }
    void
    update(const Tensor2 &F,
           const Tensor2 &,
           const double,
           const std::vector<double> &,
           std::vector<double> &,
           UpdateResult &r) const override
    {
      const Tensor2 I = dealii::unit_symmetric_tensor<3>();
      const Tensor2 E = 0.5 * (transpose(F) * F - I);
      Tensor2       S;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = 0; l < 3; ++l)
              S[i][j] += C[i][j][k][l] * E[k][l];
      r.P         = F * S;
      r.converged = true;
      // dP_iJ/dF_kL = delta_ik S_JL + F_iM C_MJNL F_kN
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J = 0; J < 3; ++J)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int L = 0; L < 3; ++L)
            {
              double v = (i == k ? S[J][L] : 0.);
              for (unsigned int M = 0; M < 3; ++M)
                for (unsigned int N = 0; N < 3; ++N)
                  v += F[i][M] * C[M][J][N][L] * F[k][N];
              r.dP_dF[i][J][k][L] = v;
            }
    }

    // C rotated by the rotation of F (as the crystal's, with Fe = F)
    bool
    elastic_stiffness(const Tensor2 &F,
                      const std::vector<double> &,
                      dealii::SymmetricTensor<4, 3> &out) const override
    {
      out = rotated(dealii::project_onto_orthogonal_tensors(F));
      return true;
    }
    dealii::SymmetricTensor<4, 3>
    rotated(const Tensor2 &R) const
    {
      dealii::SymmetricTensor<4, 3> out;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = k; l < 3; ++l)
            {
              double v = 0.;
              for (unsigned int a = 0; a < 3; ++a)
                for (unsigned int b = 0; b < 3; ++b)
                  for (unsigned int c = 0; c < 3; ++c)
                    for (unsigned int d = 0; d < 3; ++d)
                      v +=
                        R[i][a] * R[j][b] * R[k][c] * R[l][d] * C[a][b][c][d];
              out[i][j][k][l] = v;
            }
      return out;
    }

  private:
    dealii::Tensor<4, 3> C;
  };

  // Work of the degraded response (fixed g, spectral split) around a
  // closed strain path that crosses from stretched to compressed
  // principal directions, over the largest stored energy on the path.
  // Work of @p model's stress around a closed strain path that crosses
  // from stretched to compressed principal directions (amplitude a), over
  // the largest stored energy on the path; dt = 0, from @p state.
  double
  loop_work(const Model               &model,
            const std::vector<double> &state,
            const double               a)
  {
    const Tensor2      I    = dealii::unit_symmetric_tensor<3>();
    const unsigned int n    = 4000;
    double             work = 0., scale = 0.;
    Tensor2            F_prev = I, P_prev;
    for (unsigned int k = 0; k <= n; ++k)
    {
      const double  t = 2. * M_PI * k / n;
      const Tensor2 F = deformation(a * std::cos(t) - a,
                                    0.5 * a * std::sin(t),
                                    a * std::sin(t));
      const auto r = micropillar::testing::run_update(model, F, I, 0., state);
      if (k > 0)
        work += 0.5 * scalar_product(r.P + P_prev, F - F_prev);
      scale  = std::max(scale, std::abs(scalar_product(r.P, F - I)));
      F_prev = F;
      P_prev = r.P;
    }
    return work / scale;
  }

  // The same for the degraded response (fixed g, the split) of @p inner.
  double
  closed_path_work(const Model    &inner,
                   const double    g,
                   const pf::Split split = pf::Split::spectral,
                   const double    a     = 2e-3)
  {
    std::vector<double> state(inner.n_state());
    inner.initialise_state(PointContext(), state);
    const auto     m = pf::isotropic_moduli(inner, PointContext());
    const Degraded model(inner, g, split, m);
    return loop_work(model, state, a);
  }

  // A model's degraded_elastic_update() at a fixed g as its update().
  class FrozenDegraded : public micropillar::testing::WrappedModel
  {
  public:
    FrozenDegraded(const Model &inner, const double g)
        : WrappedModel(inner)
        , g(g)
    {
    }
    void
    update(const Tensor2 &F,
           const Tensor2 &,
           const double,
           const std::vector<double> &old_state,
           std::vector<double>       &new_state,
           UpdateResult              &r) const override
    {
      new_state = old_state;
      double psi;
      r.converged = inner.degraded_elastic_update(F, old_state, g, r, psi);
    }

  private:
    double g;
  };
} // namespace

// The degraded stress of an isotropic Hencky model (J2 far below yield) is
// the derivative of g psi+ + psi-: no work around a closed path.
TEST(PhaseField, SpectralSplitOfAnIsotropicHenckyModelIsConservative)
{
  const J2Plasticity hencky = j2(1e12, 0.);
  for (const double g : {1., 0.1, 1e-3})
    EXPECT_LT(std::abs(closed_path_work(hencky, g)), 1e-6) << "g = " << g;
}

// The HCP constants of the laminate prm files are derived from the cubic
// ones, so their volumetric response is isotropic (C : I = 3K I, 550 GPa
// in every direction): the volumetric-deviatoric split degrades g psi +
// (1 - g) <p>_-^2 / (2K) exactly, and a closed path returns no work but
// the O(strain) of Saint Venant-Kirchhoff against Kirchhoff stress
// (measured: 0.31 / 0.031 / 0.0031 % of the stored energy at amplitudes
// 2e-3 / 2e-4 / 2e-5).
TEST(PhaseField, VolumetricDeviatoricSplitOfTheHcpConstantsIsConservative)
{
  const AnisotropicSVK crystal;
  for (const double a : {2e-4, 2e-5})
    for (const double g : {1., 0.1, 1e-3})
      EXPECT_LT(std::abs(closed_path_work(
                  crystal, g, pf::Split::volumetric_deviatoric, a)),
                2. * a)
        << "amplitude " << a << ", g = " << g;
}

// Known defect (issue 13, docs/fracture.md "Past the first drop"): for an
// anisotropic crystal the spectral split maps the effective stress to the
// strain of the isotropic moduli, so the degraded stress is not the
// derivative of an energy and a closed path returns work that does not
// vanish with the strain: 1.02 % of the largest stored energy per loop at
// g = 0.1 for amplitudes 2e-3 to 2e-5, 1.07 % at g = 1e-3, with the HCP
// Cr-Co-Ni constants (measured 2026-12-04 with
// --gtest_also_run_disabled_tests; run the other way round, the loop
// creates that energy). The split defined on the model's own energy is the
// orthogonal one (OrthogonalSplitOfAnAnisotropicModelIsConservative below);
// this one stays disabled as the record of the spectral split's defect.
TEST(PhaseField, DISABLED_SpectralSplitOfAnAnisotropicModelIsConservative)
{
  const AnisotropicSVK crystal;
  for (const double g : {0.1, 1e-3})
    EXPECT_LT(std::abs(closed_path_work(crystal, g, pf::Split::spectral, 2e-5)),
              2. * 2e-5)
      << "g = " << g;
}

// The orthogonal split (constitutive/phase_field.h): psi+ + psi- is the
// stored energy tau : C^-1 : tau / 2 in the point's own (anisotropic,
// rotated) C, both parts >= 0, for tension, compression and shear.
TEST(PhaseField, OrthogonalSplitSumsToTheStoredEnergy)
{
  const AnisotropicSVK crystal;
  const Tensor2        Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., -2., 0.5}), 0.9);
  const pf::StepStiffness C =
    pf::step_stiffness(crystal.rotated(Q), dealii::unit_symmetric_tensor<3>());
  const auto    Cinv    = dealii::invert(C.C);
  const Tensor2 I       = dealii::unit_symmetric_tensor<3>();
  const Tensor2 cases[] = {diagonal(-900., 100., 50.),
                           diagonal(800., 300., -200.),
                           deformation(300., -500., 400.) - I,
                           diagonal(-500., -500., -500.)};
  for (const Tensor2 &tau : cases)
  {
    const dealii::SymmetricTensor<2, 3> t   = dealii::symmetrize(tau);
    const double                        psi = 0.5 * t * (Cinv * t);
    const auto                          p   = pf::energy_split(
      tau, pf::IsotropicModuli{1., 1.}, pf::Split::orthogonal, &C, I);
    EXPECT_GE(p.first, 0.);
    EXPECT_GE(p.second, 0.);
    EXPECT_NEAR(p.first + p.second, psi, 1e-12 * psi);
  }
  // hydrostatic compression drives nothing
  EXPECT_EQ(pf::energy_split(diagonal(-500., -500., -500.),
                             pf::IsotropicModuli{1., 1.},
                             pf::Split::orthogonal,
                             &C,
                             I)
              .first,
            0.);
}

// Isotropic C = 3K P_vol + 2G P_dev: C^-1/2 tau = p / sqrt(3K) I +
// dev tau / sqrt(2G). Uniaxial tau = sigma e1 (x) e1, sigma < 0: the two
// lateral principal values (sigma/3)(1/sqrt(3K) - 1/sqrt(2G)) are
// positive for Poisson's ratio > 0 and drive psi+ = their squares; the
// broken point (g = 0) loses tau+ = C^1/2 of them.
TEST(PhaseField, OrthogonalSplitOfUniaxialStressMatchesAnalytic)
{
  const double              E = 100000., nu = 0.3, sigma = -500.;
  const pf::IsotropicModuli m{E / (3. * (1. - 2. * nu)), E / (2. * (1. + nu))};
  const Tensor2             I  = dealii::unit_symmetric_tensor<3>();
  const double              rK = std::sqrt(3. * m.K), rG = std::sqrt(2. * m.G);
  const double              lat = sigma / 3. * (1. / rK - 1. / rG);
  const double              ax  = sigma / 3. * (1. / rK + 2. / rG);
  ASSERT_GT(lat, 0.);
  const Tensor2 tau   = diagonal(sigma, 0., 0.);
  const auto    psi   = pf::energy_split(tau, m, pf::Split::orthogonal);
  const double  total = sigma * sigma / (2. * E);
  EXPECT_NEAR(psi.first, lat * lat, 1e-12 * total);
  EXPECT_NEAR(psi.second, 0.5 * ax * ax, 1e-12 * total);
  EXPECT_NEAR(psi.first + psi.second, total, 1e-12 * total);
  // tau+ = C^1/2 : lat (e2 e2 + e3 e3) = sqrt(3K) (2 lat / 3) I
  //        + sqrt(2G) lat diag(-2/3, 1/3, 1/3)
  const Tensor2 tau_plus =
    rK * 2. * lat / 3. * I + rG * lat * diagonal(-2. / 3., 1. / 3., 1. / 3.);
  for (const double g : {0., 0.25})
  {
    UpdateResult r;
    r.P = tau; // F = I: P = tau
    pf::degrade(r, I, g, pf::Split::orthogonal, m);
    EXPECT_LT((r.P - (tau - (1. - g) * tau_plus)).norm(),
              1e-12 * std::abs(sigma))
      << "g = " << g;
  }
}

TEST(PhaseField, OrthogonalTangentMatchesFiniteDifferences)
{
  const Tensor2 I = dealii::unit_symmetric_tensor<3>();
  // the isotropic J2 model (the isotropic metric, no rotation) and the
  // anisotropic SVK model (its own C at F_old, carried by the step's
  // rotation): distinct and repeated principal values, tension,
  // compression, plastic (J2 yields at 0.003)
  const auto           j2m = j2();
  const AnisotropicSVK svk;
  const Tensor2        R0 =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({0.3, 1., -0.4}), 0.5);
  const std::vector<std::pair<std::string, Tensor2>> cases = {
    {"distinct, tension", deformation(0.001, 0.0002, 0.0005)},
    {"distinct, compression", deformation(-0.001, -0.0004, 0.0005)},
    {"distinct, plastic compression", deformation(-0.01, -0.006, 0.004)},
    {"repeated, uniaxial compression", diagonal(0.998, 1.0006, 1.0006)},
    {"repeated, plastic tension", diagonal(1.01, 0.995, 0.995)},
    {"triple, hydrostatic compression", 0.999 * I}};
  for (const double g : {1., 0.3, 1e-3})
    for (const Model *inner :
         {static_cast<const Model *>(&j2m), static_cast<const Model *>(&svk)})
    {
      std::vector<double> state(inner->n_state());
      inner->initialise_state(PointContext(), state);
      const Degraded model(*inner,
                           g,
                           pf::Split::orthogonal,
                           pf::isotropic_moduli(*inner, PointContext()));
      // F_old a rotated, stretched state: the step rotates the metric
      const Tensor2 F_old = R0 * deformation(0.0005, -0.0002, 0.0003);
      for (const auto &[name, F] : cases)
        EXPECT_LT(micropillar::testing::tangent_error(
                    model, R0 * F, F_old, 1., state, 1e-7),
                  2e-6)
          << name << ", g = " << g << ", "
          << (inner == &svk ? "anisotropic" : "isotropic");
    }
}

// Objective under a superposed rotation of the whole history (F, F_old)
// and of the step alone (F, not F_old: the metric follows the step's
// rotation), with the anisotropic model; psi+- invariant.
TEST(PhaseField, OrthogonalResponseIsObjective)
{
  const AnisotropicSVK inner;
  std::vector<double>  state;
  const Degraded       model(inner, 0.2, pf::Split::orthogonal);
  const Tensor2        Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.7);
  const Tensor2 F_old = deformation(0.001, -0.0003, 0.0002);
  for (const Tensor2 &F : {deformation(0.004, 0.001, 0.002),
                           deformation(-0.008, -0.002, 0.003),
                           diagonal(0.998, 1.0006, 1.0006)})
  {
    EXPECT_LT(
      micropillar::testing::objectivity_error(model, F, F_old, 1., state, Q),
      1e-10);
    const auto r = micropillar::testing::run_update(model, F, F_old, 1., state);
    const auto rq =
      micropillar::testing::run_update(model, Q * F, F_old, 1., state);
    EXPECT_LT((rq.P - Q * r.P).norm(), 1e-10 * r.P.norm());
    pf::Stiffness C_n;
    inner.elastic_stiffness(F_old, state, C_n);
    const pf::StepStiffness C = pf::step_stiffness(C_n, F_old);
    const auto              ri =
      micropillar::testing::run_update(inner, F, F_old, 1., state);
    const auto a = pf::energy_split(
      ri.P * transpose(F), pf::IsotropicModuli(), pf::Split::orthogonal, &C, F);
    const auto b = pf::energy_split(Q * ri.P * transpose(F) * transpose(Q),
                                    pf::IsotropicModuli(),
                                    pf::Split::orthogonal,
                                    &C,
                                    Q * F);
    EXPECT_NEAR(a.first, b.first, 1e-12 * (a.first + a.second));
    EXPECT_NEAR(a.second, b.second, 1e-12 * (a.first + a.second));
  }
}

// The orthogonal split in the model's own C is conservative around the
// closed path on which the spectral split returns ~1 % (the disabled test
// above): only the O(strain) of Saint Venant-Kirchhoff against Kirchhoff
// stress remains.
TEST(PhaseField, OrthogonalSplitOfAnAnisotropicModelIsConservative)
{
  const AnisotropicSVK crystal;
  for (const double a : {2e-4, 2e-5})
    for (const double g : {1., 0.1, 1e-3})
    {
      const double w = closed_path_work(crystal, g, pf::Split::orthogonal, a);
      EXPECT_LT(std::abs(w), 2. * a) << "amplitude " << a << ", g = " << g;
      std::cout << "orthogonal SVK amplitude " << a << " g " << g
                << " work/psi " << w << std::endl;
    }
}

namespace
{
  // One HCP crystal, not transforming, in a general orientation.
  micropillar::constitutive::crystal::CrystalPlasticity::Parameters
  rotated_hcp()
  {
    micropillar::constitutive::crystal::CrystalPlasticity::Parameters p;
    p.initial_phase               = "HCP";
    p.transformation              = false;
    p.microstructure.euler_angles = {{10., 40., 25.}};
    return p;
  }
} // namespace

// The crystal's elastic_stiffness(): its lattice C rotated by its
// orientation and by the rotation of F; a small elastic strain from F = Q
// gives tau ~ C : eps to O(eps); and the orthogonal split of the real HCP
// crystal (dt = 0: elastic) is conservative around the closed path.
TEST(PhaseField, CrystalElasticStiffnessIsItsRotatedLatticeStiffness)
{
  using micropillar::constitutive::crystal::CrystalPlasticity;
  const CrystalPlasticity m(rotated_hcp());
  std::vector<double>     state(m.n_state());
  m.initialise_state(PointContext(), state);
  const Tensor2 I = dealii::unit_symmetric_tensor<3>();
  const Tensor2 Q =
    micropillar::testing::rotation(dealii::Tensor<1, 3>({1., 2., 3.}), 0.7);
  dealii::SymmetricTensor<4, 3> C0, CQ;
  ASSERT_TRUE(m.elastic_stiffness(I, state, C0));
  ASSERT_TRUE(m.elastic_stiffness(Q, state, CQ));
  // CQ = Q * C0
  double diff = 0.;
  for (unsigned int i = 0; i < 3; ++i)
    for (unsigned int j = 0; j < 3; ++j)
      for (unsigned int k = 0; k < 3; ++k)
        for (unsigned int l = 0; l < 3; ++l)
        {
          double v = 0.;
          for (unsigned int a = 0; a < 3; ++a)
            for (unsigned int b = 0; b < 3; ++b)
              for (unsigned int c = 0; c < 3; ++c)
                for (unsigned int d = 0; d < 3; ++d)
                  v += Q[i][a] * Q[j][b] * Q[k][c] * Q[l][d] * C0[a][b][c][d];
          diff = std::max(diff, std::abs(v - CQ[i][j][k][l]));
        }
  EXPECT_LT(diff, 1e-9 * C0.norm());
  // tau at F = Q (I + eps), dt = 0, against Q (C0 : eps) Q^T
  for (const double e : {1e-4, 1e-5})
  {
    const dealii::SymmetricTensor<2, 3> es =
      dealii::symmetrize(deformation(e, -0.4 * e, 0.7 * e) - I);
    const Tensor2 F   = Q * (I + Tensor2(es));
    const auto    r   = micropillar::testing::run_update(m, F, Q, 0., state);
    const Tensor2 tau = r.P * transpose(F);
    const Tensor2 expected = Q * Tensor2(C0 * es) * transpose(Q);
    EXPECT_LT((tau - expected).norm(), 5. * e * expected.norm()) << e;
  }
  for (const double g : {0.1, 1e-3})
  {
    const double w = closed_path_work(m, g, pf::Split::orthogonal, 2e-5);
    EXPECT_LT(std::abs(w), 4e-5) << "g = " << g;
    std::cout << "crystal orthogonal g " << g << " work/psi " << w << std::endl;
    const double ws = closed_path_work(m, g, pf::Split::spectral, 2e-5);
    std::cout << "crystal spectral g " << g << " work/psi " << ws << std::endl;
  }
}

// A broken crystal phase is frozen (elastic) and its crack opening can
// make its elastic strain O(1): there the orthogonal split read from the
// Kirchhoff stress through the rotated small-strain C is no longer an
// energy, while degraded_elastic_update() splits the lattice-frame energy
// Ee : C : Ee / 2 exactly. At g = 1 it is the crystal's own dt = 0 update;
// its tangent matches finite differences at large strain; and the closed
// loop at amplitude 0.2 returns no work (trapezoid error only).
TEST(PhaseField, CrystalFrozenPhaseSplitIsExactAtLargeStrain)
{
  using micropillar::constitutive::crystal::CrystalPlasticity;
  const CrystalPlasticity m(rotated_hcp());
  std::vector<double>     state(m.n_state());
  m.initialise_state(PointContext(), state);
  const Tensor2 I = dealii::unit_symmetric_tensor<3>();
  for (const Tensor2 &F : {deformation(0.01, -0.004, 0.006),
                           deformation(0.3, -0.1, 0.2),
                           diagonal(0.7, 1.2, 1.25)})
  {
    const auto   own = micropillar::testing::run_update(m, F, I, 0., state);
    UpdateResult r;
    double       psi = 0.;
    ASSERT_TRUE(m.degraded_elastic_update(F, state, 1., r, psi));
    EXPECT_LT((r.P - own.P).norm(), 1e-10 * own.P.norm());
    EXPECT_LT((r.dP_dF - own.dP_dF).norm(), 1e-9 * own.dP_dF.norm());
    for (const double g : {0.3, 1e-3})
    {
      const FrozenDegraded model(m, g);
      EXPECT_LT(
        micropillar::testing::tangent_error(model, F, I, 0., state, 1e-7), 2e-6)
        << "g = " << g;
    }
  }
  for (const double g : {0.1, 1e-3})
  {
    const double exact    = loop_work(FrozenDegraded(m, g), state, 0.2);
    const double from_tau = closed_path_work(m, g, pf::Split::orthogonal, 0.2);
    std::cout << "amplitude 0.2, g " << g << ": lattice-frame split " << exact
              << ", split of tau " << from_tau << std::endl;
    EXPECT_LT(std::abs(exact), 1e-5) << "g = " << g;
  }
}
