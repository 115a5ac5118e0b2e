// Phase-field fracture at a material point: the shared kernel that lets
// every constitutive model crack (solver/damage_field.h solves the damage
// field d in [0, 1] on the mesh and calls these functions).
//
// Effective-stress formulation (strain equivalence, Lemaitre 1985): a model
// computes its undamaged ("effective") response P~(F) as always, plasticity
// included, and the damaged stress is
//   tau = g(d) tau~+ + tau~-,   g(d) = (1 - k)(1 - d)^2 + k,
// with tau~ = P~ F^T the effective Kirchhoff stress and the
// volumetric-deviatoric split of Amor, Marigo & Maurini (2009, JMPS 57):
//   tau~- = <p>_- I,  p = tr(tau~)/3,   tau~+ = tau~ - tau~-,
// so a compressed volume keeps its bulk stiffness and only the deviatoric
// and the tensile volumetric parts are degraded. The crack driving force
// is the tensile part of the elastic energy density, written from the
// stress as the complementary energy of isotropic elasticity (K, G):
//   psi+ = <p>_+^2 / (2K) + |dev tau~|^2 / (4G),  psi- = <p>_-^2 / (2K),
// exact for the Hencky models (J2, glass: tau = K tr(eps_e) I + 2G dev
// eps_e) and the isotropic estimate for the crystal (K, G its Voigt
// averages). K and G come from every model the same way: the Voigt
// isotropic projection of its tangent at F = I (isotropic_moduli()), so no
// model needs code of its own.
//
// Spectral split (Miehe, Welschinger & Hofacker 2010, IJNME 83; the
// alternative, Fracture/Energy split = spectral): the same effective
// stress, mapped to the isotropic elastic strain of the same K, G,
//   eps = dev tau~ / (2G) + p / (3K) I   (so tau~ = lambda tr(eps) I + 2G eps),
// with principal strains eps_i, directions n_i, lambda = K - 2G/3:
//   psi+  = lambda/2 <tr eps>_+^2 + G sum <eps_i>_+^2,
//   tau~+ = lambda <tr eps>_+ I + 2G sum <eps_i>_+ n_i (x) n_i,
//   tau = g tau~+ + (tau~ - tau~+):
// only the stretched principal directions lose stiffness, so a point under
// uniaxial compression keeps its axial stress and cracks across its
// stretched lateral directions (axial splitting). Its tangent uses the
// derivative of the isotropic function <.>_+ of eps, whose divided
// differences theta_ij = (<a>_+ - <b>_+)/(a - b) are evaluated case by case
// (1 if both are positive, 0 if neither is, a/(a - b) for a > 0 >= b): no
// division by a small difference, so repeated eigenvalues (the two lateral
// strains of uniaxial compression) are exact, not perturbed.
//
// Orthogonal split (Nguyen, Yvonnet, Waldmann & He 2020, IJNME 121, 4717;
// for anisotropic elasticity see also Ziaei-Rad et al. 2023, the option
// Fracture/Energy split = orthogonal): the spectral split above maps the
// effective stress to the strain of an ISOTROPIC C, so for an anisotropic
// crystal its degraded stress is not the derivative of any energy of the
// crystal's own strain (1-1.1 % of the stored energy per closed strain
// loop with the HCP constants, measured in tests/unit/phase_field_test.cc).
// The orthogonal split works in the energy norm of the point's own
// elastic stiffness C (Model::elastic_stiffness(); the isotropic C of K, G
// for an isotropic model): with the symmetric square root C^1/2 (Mandel
// 6 x 6 form, so it rotates with C),
//   e^ = C^-1/2 : tau~ = C^1/2 : eps,   psi = |e^|^2 / 2 = eps : C : eps / 2,
// split by the principal values of the symmetric tensor e^,
//   psi+ = sum <e^_i>_+^2 / 2,  psi- = sum <e^_i>_-^2 / 2,  psi+ + psi- = psi,
//   tau~+ = C^1/2 : <e^>_+ = d psi+ / d eps,   tau = g tau~+ + (tau~ - tau~+),
// the derivative of g psi+ + psi- of the model's own strain eps = C^-1 tau~:
// conservative around any closed elastic path, both parts >= 0 and convex
// (a fully broken point keeps the energy psi- only). For an isotropic C
// it is not Miehe's split (the volume weighs with sqrt(3K), the deviator
// with sqrt(2G)); under uniaxial compression the lateral principal value
// of e^ is positive when 3K > 2G (Poisson's ratio above 0), so the
// lateral directions crack (axial splitting). Tangent: dtau~+/dtau~ =
// C^1/2 Theta C^-1/2 with Theta = d<e^>_+/de^ (the divided differences
// below). C is the caller's (StepStiffness): the damage field passes the
// stiffness C_n at the step's start (F_n, state_n), carried to F by the
// rotation dR of the polar decomposition of the step's relative
// deformation F F_n^-1, C = dR * C_n (rotated); so the split is objective
// (a superposed rotation Q turns dR into Q dR), and C depends on F only
// through dR, whose derivative dR = dR Omega, axial(Omega) = (tr U I -
// U)^-1 axial(dR^T dA - dA^T dR) (A = F F_n^-1 = dR U), enters the tangent.
// The plastic spin of the step is left out of C (O(its lattice rotation),
// ~1e-3 rad per step).
//
// Functionals (Tanne, Li, Bourdin, Marigo & Maurini 2018, JMPS 110):
//   AT2: w(d) = d^2, c_w = 1/2: damage from the first load, homogeneous
//        peak stress (9/16) sqrt(E Gc / (3 l)) in uniaxial tension;
//   AT1: w(d) = d, c_w = 8/3: elastic up to psi+ = 3 Gc / (16 l), peak
//        stress sqrt(3 E Gc / (8 l)).
#ifndef micropillar_constitutive_phase_field_h
#define micropillar_constitutive_phase_field_h

#include <deal.II/base/symmetric_tensor.h>
#include <micropillar/constitutive/interface.h>
#include <string>
#include <utility>

namespace micropillar
{
  namespace constitutive
  {
    namespace phase_field
    {
      enum class Functional
      {
        AT1,
        AT2
      };

      /// "AT1" or "AT2" -> Functional (throws on anything else).
      Functional
      functional_from_string(const std::string &name);

      /// Which part of the effective stress the damage degrades and which
      /// energy drives it (file comment).
      enum class Split
      {
        volumetric_deviatoric, // Amor, Marigo & Maurini 2009
        spectral,              // Miehe, Welschinger & Hofacker 2010
        orthogonal             // Nguyen, Yvonnet, Waldmann & He 2020
      };

      /// "volumetric-deviatoric", "spectral" or "orthogonal" -> Split
      /// (throws otherwise).
      Split
      split_from_string(const std::string &name);

      struct IsotropicModuli
      {
        double K = 0.; // bulk modulus [MPa]
        double G = 0.; // shear modulus [MPa]
      };

      /// Elastic stiffness C_ijkl [MPa] (the orthogonal split's metric).
      using Stiffness = dealii::SymmetricTensor<4, 3>;

      /// 3K P_vol + 2G P_dev.
      Stiffness
      isotropic_stiffness(const IsotropicModuli &moduli);

      /// Voigt isotropic projection of dP/dF at F = I (an elastic step,
      /// dt = 1 s, from a state initialised at @p context):
      /// K = C_iijj / 9, G = (C_ijij - C_iijj / 3) / 10.
      IsotropicModuli
      isotropic_moduli(const Model &model, const PointContext &context);

      /// The orthogonal split's metric at a point (file comment): the
      /// elastic stiffness C_n at the step's start (Model::
      /// elastic_stiffness() at F_n, state_n) and F_n; at F it is C_n
      /// rotated by the rotation of F F_n^-1.
      /// Build with step_stiffness(), which also stores C^1/2 and C^-1/2
      /// (Mandel 6 x 6), so that the evaluations of one step share them.
      struct StepStiffness
      {
        Stiffness C;
        Tensor2   F_old          = dealii::unit_symmetric_tensor<3>();
        double    root[6][6]     = {};
        double    inv_root[6][6] = {};
      };

      /// The StepStiffness of C_n at F_n (throws unless C_n is positive
      /// definite).
      StepStiffness
      step_stiffness(const Stiffness &C, const Tensor2 &F_old);

      /// (psi+, psi-) [MPa = MJ/m^3] of the effective Kirchhoff stress
      /// @p tau at F. The orthogonal split uses @p stiffness (null: the
      /// isotropic C of @p moduli, rotation-invariant, F not needed); the
      /// other splits ignore both.
      std::pair<double, double>
      energy_split(const Tensor2         &tau,
                   const IsotropicModuli &moduli,
                   const Split            split = Split::volumetric_deviatoric,
                   const StepStiffness   *stiffness = nullptr,
                   const Tensor2 &F = dealii::unit_symmetric_tensor<3>());

      /// The orthogonal split of a symmetric stress @p S in the metric of
      /// @p C (S = C : E with E the strain C acts on; only C^1/2, C^-1/2
      /// are used, not F_old): writes S+ = C^1/2 <C^-1/2 S>_+ and, when
      /// @p dS_plus is not null, dS+/dS (acting on the symmetric part of
      /// dS); returns (psi+, psi-). With the lattice-frame stiffness and
      /// the second Piola-Kirchhoff stress of a hyperelastic phase this is
      /// the exact split of its energy Ee : C : Ee / 2 at any strain
      /// (Model::degraded_elastic_update()).
      std::pair<double, double>
      orthogonal_split(const Tensor2       &S,
                       const StepStiffness &C,
                       Tensor2             &S_plus,
                       Tensor4             *dS_plus = nullptr);

      /// Plastic work density of a step [MPa = MJ/m^3] from the effective
      /// Kirchhoff stress @p tau at the step's end and the model's
      /// equivalent plastic strain before and after it:
      ///   dW_p = sigma_vM(tau) <ep_new - ep_old>_+,
      /// sigma_vM = sqrt(3/2) |dev tau|. Exact (tau : D_p dt) for von Mises
      /// flow along dev tau (J2, the free-volume glass: the backward-Euler
      /// return puts the end stress on the flow direction); an upper bound
      /// for the crystal (tau : D_p <= sigma_vM ep_dot, Cauchy-Schwarz);
      /// for the homogenised laminate the mixture's stress times its
      /// volume-averaged ep. Zero for an elastic step of any model, and an
      /// invariant of the superposed rotation (both factors are).
      double
      plastic_work_increment(const Tensor2 &tau,
                             const double   ep_old,
                             const double   ep_new);

      /// g(d) = (1 - k)(1 - d)^2 + k.
      double
      degradation(const double d, const double k);

      /// Degrade the effective response @p r at F (see the file comment):
      /// P <- g P + (1 - g) <p>_- F^-T with its consistent tangent.
      void
      degrade(UpdateResult &r, const Tensor2 &F, const double g);

      /// The same with the chosen split: volumetric_deviatoric is the
      /// function above; spectral degrades the tensile part tau~+ of the
      /// file comment, P <- P - (1 - g) tau~+ F^-T, with its consistent
      /// tangent (moduli: the model's isotropic_moduli()); orthogonal
      /// likewise with the tau~+ of the orthogonal split in the metric
      /// @p stiffness (null: the isotropic C of @p moduli). Returns
      /// (psi+, psi-) of the effective stress, as energy_split() with the
      /// same arguments would, from the split it has computed anyway (at
      /// g = 1 the split alone), so a caller needing the driving force and
      /// the degraded stress splits once.
      std::pair<double, double>
      degrade(UpdateResult          &r,
              const Tensor2         &F,
              const double           g,
              const Split            split,
              const IsotropicModuli &moduli,
              const StepStiffness   *stiffness = nullptr);

      /// Degradation of the phases inside a point that holds several (the
      /// homogenised laminate, HomogenisedLaminate::update_degraded()):
      /// one damage d per point, g = g(d) applied to each cracking phase's
      /// own effective response with its own moduli and the split, before
      /// the point's internal equilibrium is solved.
      struct PhaseDegradation
      {
        /// g(d) of the point (1: intact).
        double g     = 1.;
        Split  split = Split::spectral;
        /// Per phase (the laminate: crystal, glass): does it crack?
        bool cracks[2] = {false, false};
        /// Per phase: the moduli of its split (isotropic_moduli() of the
        /// sub-model).
        IsotropicModuli moduli[2];
        /// Per phase, orthogonal split: the metric when the sub-model has an
        /// elastic_stiffness() (at the phase's F_n, state_n; the laminate
        /// sets it once per point update), else null (moduli).
        const StepStiffness *stiffness[2] = {nullptr, nullptr};
        /// A cracking phase whose g falls below this stops flowing: its
        /// update takes dt = 0 (elastic, its plastic state frozen). 0: off
        /// (Fracture/Broken phase degradation).
        double frozen_below = 0.;
      };

      /// Damage of a homogeneous field under the driving force H (the
      /// local solution of the damage equation): AT2 2H/(Gc/l + 2H); AT1
      /// max(0, 1 - 3 Gc / (16 l H)).
      double
      homogeneous_damage(const Functional f,
                         const double     H,
                         const double     Gc,
                         const double     l);

      /// Analytic peak stress of a homogeneous bar in uniaxial tension
      /// (Young's modulus E, no residual stiffness).
      double
      peak_stress(const Functional f,
                  const double     E,
                  const double     Gc,
                  const double     l);
    } // namespace phase_field
  }   // namespace constitutive
} // namespace micropillar

#endif
