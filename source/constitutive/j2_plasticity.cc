#include <cmath>
#include <deal.II/base/exceptions.h>
#include <micropillar/constitutive/j2_plasticity.h>
#include <micropillar/constitutive/registry.h>
#include <sstream>

namespace micropillar
{
  namespace constitutive
  {
    void
    J2Plasticity::Parameters::check() const
    {
      std::ostringstream errors;
      if (!(youngs_modulus > 0.))
        errors << "  Young's modulus = " << youngs_modulus
               << ": must be > 0.\n";
      if (!(poissons_ratio > -1. && poissons_ratio < 0.5))
        errors << "  Poisson's ratio = " << poissons_ratio
               << ": must lie in (-1, 0.5).\n";
      if (!(yield_stress > 0.))
        errors << "  Yield stress = " << yield_stress << ": must be > 0.\n";
      if (!(hardening_modulus >= 0.))
        errors << "  Hardening modulus = " << hardening_modulus
               << ": must be >= 0 (softening is not supported).\n";
      if (!(saturation_hardening >= 0.))
        errors << "  Saturation hardening = " << saturation_hardening
               << ": must be >= 0 (0 switches the Voce term off).\n";
      if (!(saturation_exponent >= 0.))
        errors << "  Saturation exponent = " << saturation_exponent
               << ": must be >= 0.\n";
      AssertThrow(errors.str().empty(),
                  dealii::ExcMessage("subsection J2 plasticity: invalid "
                                     "entries:\n" +
                                     errors.str()));
    }

    J2Plasticity::J2Plasticity(const Parameters &parameters_in)
        : parameters(parameters_in)
    {
      parameters.check();
      elasticity = hencky::IsotropicElasticity::from_young_poisson(
        parameters.youngs_modulus, parameters.poissons_ratio);
    }

    namespace
    {
      J2Plasticity::Parameters
      parse(dealii::ParameterHandler &prm)
      {
        J2Plasticity::Parameters p;
        p.youngs_modulus       = prm.get_double("Young's modulus");
        p.poissons_ratio       = prm.get_double("Poisson's ratio");
        p.yield_stress         = prm.get_double("Yield stress");
        p.hardening_modulus    = prm.get_double("Hardening modulus");
        p.saturation_hardening = prm.get_double("Saturation hardening");
        p.saturation_exponent  = prm.get_double("Saturation exponent");
        return p;
      }
    } // namespace

    J2Plasticity::J2Plasticity(dealii::ParameterHandler &prm)
        : J2Plasticity(parse(prm))
    {
    }

    void
    J2Plasticity::declare_parameters(dealii::ParameterHandler &prm)
    {
      using dealii::Patterns::Double;
      prm.declare_entry("Young's modulus",
                        "200000",
                        Double(0.),
                        "Young's modulus E of the Hencky elasticity [MPa].");
      prm.declare_entry("Poisson's ratio",
                        "0.3",
                        Double(-1., 0.5),
                        "Poisson's ratio nu of the Hencky elasticity [-].");
      prm.declare_entry("Yield stress",
                        "500",
                        Double(0.),
                        "Initial von Mises yield stress sigma_0 [MPa].");
      prm.declare_entry("Hardening modulus",
                        "1000",
                        Double(0.),
                        "Linear isotropic hardening modulus H [MPa]: "
                        "sigma_y = sigma_0 + H ep + (sigma_inf - sigma_0)"
                        "(1 - exp(-d ep)), ep the equivalent plastic strain. "
                        "In uniaxial stress the Kirchhoff stress grows with "
                        "the logarithmic strain at E H / (E + H).");
      prm.declare_entry("Saturation hardening",
                        "0",
                        Double(0.),
                        "Amplitude sigma_inf - sigma_0 of the optional Voce "
                        "term [MPa]; 0 switches the Voce term off.");
      prm.declare_entry("Saturation exponent",
                        "0",
                        Double(0.),
                        "Exponent d of the optional Voce term [-].");
    }

    unsigned int
    J2Plasticity::n_state() const
    {
      return hencky::n_metric_components + 1;
    }

    void
    J2Plasticity::initialise_state(const PointContext & /*context*/,
                                   std::vector<double> &state) const
    {
      state.assign(n_state(), 0.);
      hencky::write_metric(dealii::unit_symmetric_tensor<3>(), state);
    }

    double
    J2Plasticity::yield_stress(const double ep) const
    {
      const Parameters &p = parameters;
      return p.yield_stress + p.hardening_modulus * ep +
             p.saturation_hardening *
               (1. - std::exp(-p.saturation_exponent * ep));
    }

    double
    J2Plasticity::hardening_slope(const double ep) const
    {
      const Parameters &p = parameters;
      return p.hardening_modulus + p.saturation_hardening *
                                     p.saturation_exponent *
                                     std::exp(-p.saturation_exponent * ep);
    }

    void
    J2Plasticity::update(const Tensor2 &F,
                         const Tensor2 & /*F_old*/,
                         const double /*dt*/,
                         const std::vector<double> &old_state,
                         std::vector<double>       &new_state,
                         UpdateResult              &result) const
    {
      new_state.resize(n_state());
      result.converged = true;
      if (!(dealii::determinant(F) > 0.))
      {
        result.converged = false;
        return;
      }

      const double        ep_old = old_state[ep_index];
      const hencky::Trial trial(F, hencky::read_metric(old_state));
      if (!trial.defined)
      {
        // Be_trial not positive definite in floating point: no elastic
        // strain exists; a failed update cuts the step back (hencky.h).
        result.converged = false;
        return;
      }
      const hencky::SymTensor2 tau_trial = elasticity.stress(trial.eps);
      const hencky::SymTensor2 s_trial   = dealii::deviator(tau_trial);
      const double             s_norm    = s_trial.norm();
      const double             q_trial   = std::sqrt(1.5) * s_norm;
      const double             G         = elasticity.G;

      hencky::SymTensor2 tau = tau_trial;
      hencky::SymTensor4 D   = elasticity.tangent();
      double             dp  = 0.;

      if (q_trial - yield_stress(ep_old) > 0.)
      {
        // Scalar Newton for dp; the residual is concave with a positive
        // hardening slope, so it converges monotonically from dp = 0.
        bool converged = false;
        for (unsigned int it = 0; it < 50; ++it)
        {
          const double r    = q_trial - 3. * G * dp - yield_stress(ep_old + dp);
          const double drdp = -3. * G - hardening_slope(ep_old + dp);
          const double step = -r / drdp;
          dp += step;
          if (std::abs(step) <= 1e-14 * (1. + dp) &&
              std::abs(r) <= 1e-10 * q_trial)
          {
            converged = true;
            break;
          }
        }
        if (!converged || !(dp >= 0.))
        {
          result.converged = false;
          return;
        }

        const double             q      = q_trial - 3. * G * dp;
        const hencky::SymTensor2 N      = s_trial / s_norm;
        const double             Hp     = hardening_slope(ep_old + dp);
        const double             factor = q / q_trial;
        tau                             = tau_trial - (1. - factor) * s_trial;
        D                               = elasticity.K *
              dealii::outer_product(dealii::unit_symmetric_tensor<3>(),
                                    dealii::unit_symmetric_tensor<3>()) +
            2. * G * factor *
              (dealii::deviator_tensor<3>() - dealii::outer_product(N, N)) +
            2. * G * Hp / (3. * G + Hp) * dealii::outer_product(N, N);
      }

      // eps_e = tau / elasticity, coaxial with eps_trial.
      const hencky::SymTensor2 eps_e =
        dealii::trace(trial.eps) / 3. * dealii::unit_symmetric_tensor<3>() +
        dealii::deviator(tau) / (2. * G);

      hencky::write_metric(hencky::plastic_metric_inverse(trial, eps_e),
                           new_state);
      new_state[ep_index] = ep_old + dp;

      result.P     = hencky::first_piola(trial, tau);
      result.dP_dF = hencky::tangent(trial, tau, D);
    }

    double
    J2Plasticity::equivalent_plastic_strain(
      const std::vector<double> &state) const
    {
      return state[ep_index];
    }

    double
    J2Plasticity::shear_modulus() const
    {
      return elasticity.G;
    }
  } // namespace constitutive
} // namespace micropillar

using micropillar::constitutive::J2Plasticity;
MICROPILLAR_REGISTER_MODEL(
  J2Plasticity,
  "J2 plasticity",
  "Finite-strain von Mises elastoplasticity with linear (+ optional Voce) "
  "isotropic hardening: Hencky elasticity, exponential-map return mapping, "
  "analytic consistent tangent (Simo 1992; de Souza Neto et al. 2008, "
  "box 14.3).")
