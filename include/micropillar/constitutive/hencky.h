// Shared kernel of the isotropic finite-strain plasticity models
// (J2 plasticity, free-volume glass): Hencky (logarithmic) elasticity on a
// multiplicative split F = Fe Fp and the exponential-map return.
//
// The scheme is the one of Simo (1992, CMAME 99) and de Souza Neto, Peric,
// Owen, "Computational methods for plasticity" (2008), ch. 14, box 14.3:
//
//   Be_trial = F Cp_n^-1 F^T,          eps_trial = 1/2 ln Be_trial,
//   tau      = K tr(eps_e) I + 2 G dev(eps_e)     (Kirchhoff stress, MPa),
//   eps_e    = eps_trial - Delta eps_p            (return map in log space,
//                                                  coaxial with eps_trial),
//   Be       = exp(2 eps_e),           Cp^-1 = F^-1 Be F^-T,
//   P        = tau F^-T.
//
// Each model only supplies the (small-strain-like) return map
// eps_trial -> (tau, D = d tau / d eps_trial); the kernel does the
// kinematics and the consistent tangent
//
//   dP/dF = [D : L : dBe_trial/dF / 2] F^-T - tau F^-T dF^T F^-T,
//
// L = d ln(Be)/d Be from the spectral (Daleckii-Krein) formula
//   L = sum_ab theta_ab (n_a x n_b) sym(x) (n_a x n_b),
//   theta_aa = 1/b_a, theta_ab = (ln b_a - ln b_b)/(b_a - b_b),
// which is exact and stays smooth at repeated eigenvalues because the
// divided differences are evaluated with log1p.
//
// State storage convention of the plastic metric: Cp^-1 as six doubles in
// the order xx, yy, zz, xy, xz, yz (helpers below).
#ifndef micropillar_constitutive_hencky_h
#define micropillar_constitutive_hencky_h

#include <array>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <micropillar/constitutive/interface.h>
#include <vector>

namespace micropillar
{
  namespace constitutive
  {
    namespace hencky
    {
      using SymTensor2 = dealii::SymmetricTensor<2, 3, double>;
      using SymTensor4 = dealii::SymmetricTensor<4, 3, double>;

      /// Number of doubles used to store Cp^-1.
      constexpr unsigned int n_metric_components = 6;

      /// Read Cp^-1 from state[offset .. offset+5].
      SymTensor2
      read_metric(const std::vector<double> &state,
                  const unsigned int         offset = 0);

      /// Write Cp^-1 to state[offset .. offset+5].
      void
      write_metric(const SymTensor2    &metric,
                   std::vector<double> &state,
                   const unsigned int   offset = 0);

      /**
       * Isotropic linear elasticity in logarithmic strain, with bulk modulus
       * K and shear modulus G [MPa].
       */
      struct IsotropicElasticity
      {
        double K = 0.;
        double G = 0.;

        /// From Young's modulus E [MPa] and Poisson's ratio nu.
        static IsotropicElasticity
        from_young_poisson(const double E, const double nu);

        /// tau = K tr(eps) I + 2G dev(eps) [MPa].
        SymTensor2
        stress(const SymTensor2 &eps) const;

        /// K I x I + 2G I_dev [MPa].
        SymTensor4
        tangent() const;
      };

      /**
       * The elastic predictor of one step: Be_trial = F Cp_n^-1 F^T, its
       * logarithmic strain eps_trial = 1/2 ln Be_trial and the derivative
       * L = d ln Be / d Be (needed by the tangent).
       *
       * `defined` is false when Be_trial is not positive definite in floating
       * point (a non-positive or non-finite eigenvalue: a wild Newton or
       * line-search trial at extreme stretch, or a corrupt stored metric).
       * Its logarithm does not exist; eps, dlnB_dB and directions are then
       * zero, and the model reports a failed update (the step is cut back)
       * instead of throwing, which would stop the run as a fault.
       */
      struct Trial
      {
        Trial(const Tensor2 &F, const SymTensor2 &Cp_inv_old);

        bool defined = true;

        Tensor2    F;
        Tensor2    F_inv;
        SymTensor2 Cp_inv_old;
        SymTensor2 eps;
        SymTensor4 dlnB_dB;
        /// Orthonormal eigenvectors of Be_trial (principal directions).
        std::array<dealii::Tensor<1, 3>, 3> directions;
      };

      /// ln(A) of a symmetric positive definite tensor and, if @p dlnA_dA
      /// is not null, its derivative (spectral formula of the file comment).
      SymTensor2
      log(const SymTensor2                    &A,
          SymTensor4                          *dlnA_dA    = nullptr,
          std::array<dealii::Tensor<1, 3>, 3> *directions = nullptr);

      /// exp(A) of a symmetric tensor.
      SymTensor2
      exp(const SymTensor2 &A);

      /// Cp^-1 = F^-1 exp(2 eps_e) F^-T, the plastic metric to store. When
      /// eps_e is coaxial with eps_trial (radial returns of isotropic
      /// models) the trial principal directions are reused; otherwise the
      /// general exponential is evaluated.
      SymTensor2
      plastic_metric_inverse(const Trial &trial, const SymTensor2 &eps_e);

      /// P = tau F^-T [MPa].
      Tensor2
      first_piola(const Trial &trial, const SymTensor2 &tau);

      /**
       * The consistent tangent dP_iJ/dF_kL [MPa] of the exponential-map
       * algorithm, given the Kirchhoff stress @p tau and the algorithmic
       * tangent @p D = d tau / d eps_trial of the model's return map (it
       * need not have the major symmetry).
       */
      Tensor4
      tangent(const Trial &trial, const SymTensor2 &tau, const SymTensor4 &D);
    } // namespace hencky
  }   // namespace constitutive
} // namespace micropillar

#endif
