// Finite-strain J2 elastoplasticity with isotropic hardening (prm name
// "J2 plasticity").
#ifndef micropillar_constitutive_j2_plasticity_h
#define micropillar_constitutive_j2_plasticity_h

#include <deal.II/base/parameter_handler.h>
#include <micropillar/constitutive/hencky.h>
#include <micropillar/constitutive/interface.h>

namespace micropillar
{
  namespace constitutive
  {
    /**
     * Rate-independent von Mises plasticity at finite strain: multiplicative
     * split F = Fe Fp, Hencky elasticity tau = K tr(eps_e) I + 2G dev eps_e,
     * associative flow and the exponential-map return of Simo (1992) / de
     * Souza Neto et al. (2008) box 14.3 (kernel: hencky.h). In logarithmic
     * strain the return map is the small-strain radial return (de Souza Neto
     * box 7.3):
     *
     *   q_trial - 3 G dp - sigma_y(ep_n + dp) = 0,   q = sqrt(3/2 s:s),
     *   sigma_y(ep) = sigma_0 + H ep + (sigma_inf - sigma_0)(1 - e^{-d ep})
     *
     * (the Voce term is off by default: sigma_inf - sigma_0 = 0), and the
     * algorithmic tangent in log space is
     *
     *   D = K I x I + 2G (q/q_trial)(I_dev - N x N) + 2G H'/(3G + H') N x N,
     *
     * N = s_trial/|s_trial|, H' = d sigma_y / d ep at the end of the step.
     * dP/dF follows from the kernel. dt and F_old are not used
     * (rate independent).
     *
     * State (7 doubles): Cp^-1 (xx, yy, zz, xy, xz, yz), ep (equivalent
     * plastic strain).
     */
    class J2Plasticity : public Model
    {
    public:
      struct Parameters
      {
        /// Young's modulus [MPa].
        double youngs_modulus = 200000.;
        /// Poisson's ratio [-].
        double poissons_ratio = 0.3;
        /// Initial yield stress sigma_0 [MPa].
        double yield_stress = 500.;
        /// Linear hardening modulus H [MPa].
        double hardening_modulus = 1000.;
        /// Amplitude of the Voce term sigma_inf - sigma_0 [MPa]; 0 switches
        /// the Voce term off.
        double saturation_hardening = 0.;
        /// Voce exponent d [-].
        double saturation_exponent = 0.;

        /// Throws ExcMessage listing every inconsistent entry.
        void
        check() const;
      };

      explicit J2Plasticity(const Parameters &parameters);

      /// Parse the entries of the current subsection ("J2 plasticity").
      explicit J2Plasticity(dealii::ParameterHandler &prm);

      /// Declare the entries in the current subsection.
      static void
      declare_parameters(dealii::ParameterHandler &prm);

      unsigned int
      n_state() const override;

      void
      initialise_state(const PointContext  &context,
                       std::vector<double> &state) const override;

      void
      update(const Tensor2             &F,
             const Tensor2             &F_old,
             const double               dt,
             const std::vector<double> &old_state,
             std::vector<double>       &new_state,
             UpdateResult              &result) const override;

      double
      equivalent_plastic_strain(
        const std::vector<double> &state) const override;

      double
      shear_modulus() const override;

      /// Flow stress sigma_y(ep) [MPa].
      double
      yield_stress(const double ep) const;

      /// d sigma_y / d ep [MPa].
      double
      hardening_slope(const double ep) const;

      const Parameters &
      get_parameters() const
      {
        return parameters;
      }

      /// Index of ep in the state vector.
      static constexpr unsigned int ep_index = hencky::n_metric_components;

    private:
      Parameters                  parameters;
      hencky::IsotropicElasticity elasticity;
    };
  } // namespace constitutive
} // namespace micropillar

#endif
