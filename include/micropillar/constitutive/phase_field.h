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
// Functionals (Tanne, Li, Bourdin, Marigo & Maurini 2018, JMPS 110):
//   AT2: w(d) = d^2, c_w = 1/2: damage from the first load, homogeneous
//        peak stress (9/16) sqrt(E Gc / (3 l)) in uniaxial tension;
//   AT1: w(d) = d, c_w = 8/3: elastic up to psi+ = 3 Gc / (16 l), peak
//        stress sqrt(3 E Gc / (8 l)).
#ifndef micropillar_constitutive_phase_field_h
#define micropillar_constitutive_phase_field_h

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
        spectral               // Miehe, Welschinger & Hofacker 2010
      };

      /// "volumetric-deviatoric" or "spectral" -> Split (throws otherwise).
      Split
      split_from_string(const std::string &name);

      struct IsotropicModuli
      {
        double K = 0.; // bulk modulus [MPa]
        double G = 0.; // shear modulus [MPa]
      };

      /// Voigt isotropic projection of dP/dF at F = I (an elastic step,
      /// dt = 1 s, from a state initialised at @p context):
      /// K = C_iijj / 9, G = (C_ijij - C_iijj / 3) / 10.
      IsotropicModuli
      isotropic_moduli(const Model &model, const PointContext &context);

      /// (psi+, psi-) [MPa = MJ/m^3] of the effective Kirchhoff stress.
      std::pair<double, double>
      energy_split(const Tensor2         &tau,
                   const IsotropicModuli &moduli,
                   const Split            split = Split::volumetric_deviatoric);

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
      /// tangent (moduli: the model's isotropic_moduli()).
      void
      degrade(UpdateResult          &r,
              const Tensor2         &F,
              const double           g,
              const Split            split,
              const IsotropicModuli &moduli);

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
