// Free-volume (Spaepen) model of a metallic glass at finite strain (prm name
// "free volume glass").
#ifndef micropillar_constitutive_free_volume_glass_h
#define micropillar_constitutive_free_volume_glass_h

#include <cstdint>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <micropillar/constitutive/hencky.h>
#include <micropillar/constitutive/interface.h>

namespace micropillar
{
  namespace constitutive
  {
    /**
     * Spaepen's free-volume model in the continuum form of Huang, Suo,
     * Prevost and Nix (2002, JMPS 50, 1011), on the Hencky / exponential-map
     * kernel of hencky.h (multiplicative split, isotropic Hencky elasticity
     * with E, nu).
     *
     * Flow (Kirchhoff stress tau, deviator s):
     *
     *   Dp      = gdot N,  N = s / (2 tbar),  tbar = sqrt(s:s / 2),
     *   gdot    = 2 f exp(-1/xi) exp(-dG/kT) sinh(td Omega / 2kT),
     *   td      = tbar + beta tr(tau)/3    (beta: optional pressure
     *                                       sensitivity, default 0),
     *   xidot   = (f/alpha) exp(-1/xi) exp(-dG/kT)
     *             [ 2 alpha kT / (xi v* S_E) (cosh(td Omega / 2kT) - 1)
     *               - 1/n_D ]                      (local source, see below)
     *   S_E     = 2 mu (1 + nu) / (3 (1 - nu)) = E / (3 (1 - nu)).
     *
     * gdot is the engineering shear rate (in simple shear Dp_12 = gdot/2);
     * the von Mises equivalent plastic strain rate is gdot/sqrt(3) and the
     * von Mises stress sqrt(3) tbar. The driving stress td is clipped at 0
     * (no flow and no creation of free volume for td <= 0).
     *
     * Update (backward Euler, exponential map): with the isotropic Hencky
     * law the flow direction is the trial one (radial return), tbar =
     * tbar_trial - G dg, and the step reduces to two scalar equations in
     * dg = dt gdot and y = ln xi,
     *
     *   R1 = td Omega/2kT - asinh(dg / (2 f dt e^{-1/xi - dG/kT})) = 0,
     *   R2 = 1 - xi_n/xi - dt xidot(td, xi)/xi                  = 0,
     *
     * (R1 is the flow rule inverted, which keeps Newton in the well-scaled
     * log regime) solved by a damped 2x2 Newton. The algorithmic tangent is
     *
     *   D = K I x I + 2G (tbar/tbar_trial)(I_dev - N x N)
     *       + 2G (1 - G c) N x N - sqrt(2) G c beta K N x I,
     *
     * N = s_trial/|s_trial|, c = d dg / d td_trial from the implicit
     * function theorem on (R1, R2); dP/dF follows from the kernel. At a
     * zero deviator (F = I) the viscous limit of D is used (beta = 0). A step
     * with dt <= 0 is elastic and leaves xi unchanged. A failed local Newton
     * sets UpdateResult::converged = false (the solver cuts back).
     *
     * Free-volume diffusion (the internal length): the diffusion term
     * div(D_xi grad xi) of Huang et al. is not part of the point update;
     * the model names xi (diffusing_state_index() = xi_index) and a
     * constant diffusivity
     *
     *   D_xi = l^2 nu_D,
     *
     * l the "Diffusion length" [µm] and nu_D the "Diffusion rate" [1/s],
     * and the solver's StateDiffusion (solver/state_diffusion.h) adds
     * xidot = div(D_xi grad xi) over the glass cells (zero flux at their
     * boundary) after the local update of each converged step (operator
     * split, backward Euler). l is the distance free volume diffuses in the
     * time 1/nu_D. The default nu_D = 8.66e-3 /s is the plastic shear rate
     * of homogeneous flow at the test rate 5e-3 /s (sqrt(3) x 5e-3), which
     * is also the stress-assisted atomic jump rate at yield,
     * f exp(-dG/kT - 1/xi_0) cosh(td_y Omega/2kT) ~ gdot_y/2 coth(..) ~
     * gdot_y (the rate at which Huang et al.'s jumps, and hence free-volume
     * diffusion, happen); the zero-stress jump rate
     * f exp(-dG/kT - 1/xi_0) (~1e-11 /s with the defaults) would make
     * diffusion vanish at room temperature. A band that shears faster than
     * nu_D would be narrower than l (width ~ l sqrt(nu_D / its rate)) if
     * D were constant ('Diffusion law = constant'); by default ('plastic
     * rate') D follows the local jump rate,
     *
     *   D_xi(x) = l^2 max(nu_D, gdot(x)),
     *
     * gdot the plastic shear rate of the point's last step, so that the
     * ratio of diffusion to the free-volume source, both proportional to
     * the jump rate, and with it the band width (a few l), do not depend on
     * how fast the band shears. l = 0 switches diffusion off (a local
     * model, which localises into mesh-size bands). Default l = 4 nm: a
     * 12 nm glass layer has no room for a band of width ~ 2-3 l.
     *
     * Dilatation ((xidot/3) I in Dp) is NOT implemented: the flow is
     * isochoric. Pressure sensitivity (beta) is.
     *
     * Initial free volume: xi_0(X) = xi_0 + delta_xi g(X), g a smooth
     * value-noise field in [-1, 1] (uniform random values on a cubic lattice
     * of spacing l_c, from a hash of the seed and the lattice indices,
     * blended with quintic smoothstep weights). It depends only on the
     * reference position X, so it is reproducible and independent of MPI
     * ranks, threads and the order of calls.
     *
     * State (9 doubles): Cp^-1 (xx, yy, zz, xy, xz, yz), equivalent plastic
     * strain, xi, gdot of the last step [1/s].
     */
    class FreeVolumeGlass : public Model
    {
    public:
      /// Units: MPa, µm, s, K; activation energy in eV.
      struct Parameters
      {
        /// Young's modulus [MPa]; 92 GPa nanoindentation (experiments.md).
        double youngs_modulus = 92000.;
        /// Poisson's ratio [-]; 0.36, typical of Zr/Ti-based glasses.
        double poissons_ratio = 0.36;
        /// Attempt frequency f [1/s], Debye order (model-spec §4).
        double attempt_frequency = 1e13;
        /// Activation volume Omega [µm^3]; 150 Å^3 (calibrated: sharp
        /// yield; see the prm documentation of "Activation volume").
        double activation_volume = 1.5e-10;
        /// Critical (hard-sphere) volume v* [µm^3]; 18 Å^3 (model-spec §4).
        double critical_volume = 1.8e-11;
        /// Geometric overlap factor alpha [-], range 0.15-1.
        double alpha = 0.5;
        /// Number of jumps to annihilate a defect, n_D [-].
        double n_jumps = 3.;
        /// Activation energy Delta G [eV], range 0.2-0.5.
        double activation_energy = 0.4;
        /// Temperature T [K].
        double temperature = 298.;
        /// Mean initial free volume xi_0 = v_f/(alpha v*) [-]; 0.0258
        /// puts the 0.2 % offset yield at 5e-3 /s at 1.8 GPa.
        double initial_free_volume = 0.0258;
        /// Amplitude delta_xi of the random perturbation of xi_0 [-].
        double perturbation_amplitude = 0.;
        /// Correlation length l_c of the perturbation [µm].
        double correlation_length = 0.01;
        /// Seed of the perturbation.
        std::uint64_t seed = 1;
        /// Pressure sensitivity beta [-]: td = tbar + beta tr(tau)/3.
        double pressure_sensitivity = 0.;
        /// Diffusion length l [µm] of the free volume (0: no diffusion).
        double diffusion_length = 0.004;
        /// Diffusion rate nu_D [1/s]: D_xi = l^2 nu_D.
        double diffusion_rate = 8.66e-3;
        /// D_xi = l^2 max(nu_D, gdot) (true) or l^2 nu_D (false).
        bool diffusion_follows_plastic_rate = true;

        /// Throws ExcMessage listing every inconsistent entry.
        void
        check() const;
      };

      explicit FreeVolumeGlass(const Parameters &parameters);

      /// Parse the entries of the current subsection ("free volume glass").
      explicit FreeVolumeGlass(dealii::ParameterHandler &prm);

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

      /// "free_volume" (xi), "plastic_shear_rate" (gdot [1/s]).
      std::vector<std::string>
      output_names() const override;

      void
      output_values(const std::vector<double> &state,
                    std::vector<double>       &values) const override;

      double
      equivalent_plastic_strain(
        const std::vector<double> &state) const override;

      double
      shear_modulus() const override;

      /// xi_index when the diffusivity is positive, else none.
      unsigned int
      diffusing_state_index() const override;

      /// D_xi = l^2 nu_D [µm^2/s] (see the class comment).
      double
      diffusivity() const override;

      /// l^2 max(nu_D, gdot) with gdot the plastic shear rate of the last
      /// step in @p state ('Diffusion law = plastic rate'), else l^2 nu_D.
      double
      diffusivity_at(const std::vector<double> &state) const override;

      /// Plastic shear rate gdot(td, xi) [1/s] for a driving shear stress
      /// td [MPa] (clipped at 0).
      double
      plastic_shear_rate(const double td, const double xi) const;

      /// Local source term xidot(td, xi) [1/s] of the free-volume equation
      /// (without the diffusion term; see the class comment), and if asked
      /// its derivatives d xidot / d td [1/(MPa s)] and d xidot / d xi
      /// [1/s], for a solver that carries xi as a field.
      double
      free_volume_rate(const double td,
                       const double xi,
                       double      *d_dtd = nullptr,
                       double      *d_dxi = nullptr) const;

      /// Initial free volume xi_0(X) at the reference position X [µm].
      double
      initial_free_volume(const dealii::Point<3> &X) const;

      /// The unit random field g(X) in [-1, 1] behind initial_free_volume().
      double
      perturbation(const dealii::Point<3> &X) const;

      const Parameters &
      get_parameters() const
      {
        return parameters;
      }

      /// Boltzmann constant [MPa µm^3 / K] and one eV [MPa µm^3].
      static constexpr double boltzmann     = 1.380649e-11;
      static constexpr double electron_volt = 1.602176634e-7;

      static constexpr unsigned int ep_index   = hencky::n_metric_components;
      static constexpr unsigned int xi_index   = ep_index + 1;
      static constexpr unsigned int rate_index = ep_index + 2;

    private:
      Parameters                  parameters;
      hencky::IsotropicElasticity elasticity;
      /// Omega / (2 kT) [1/MPa].
      double kappa;
      /// dG / kT [-].
      double q_activation;
      /// 2 alpha kT / (v* S_E) [-].
      double creation_factor;
    };
  } // namespace constitutive
} // namespace micropillar

#endif
