#include <cmath>
#include <deal.II/base/exceptions.h>
#include <limits>
#include <micropillar/constitutive/free_volume_glass.h>
#include <micropillar/constitutive/registry.h>
#include <sstream>

namespace micropillar
{
  namespace constitutive
  {
    namespace
    {
      // splitmix64 finaliser: a good 64-bit mix, so neighbouring lattice
      // nodes get independent values.
      std::uint64_t
      mix(std::uint64_t z)
      {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
      }

      // Uniform value in [-1, 1] at lattice node (i, j, k).
      double
      node_value(const std::uint64_t seed,
                 const std::int64_t  i,
                 const std::int64_t  j,
                 const std::int64_t  k)
      {
        std::uint64_t h = mix(seed);
        h               = mix(h ^ static_cast<std::uint64_t>(i));
        h               = mix(h ^ static_cast<std::uint64_t>(j));
        h               = mix(h ^ static_cast<std::uint64_t>(k));
        // 53 random bits -> [0, 1] -> [-1, 1]
        return 2. * static_cast<double>(h >> 11) / 9007199254740991. - 1.;
      }

      // Quintic smoothstep: C2 blending, zero slope at the nodes.
      double
      smoothstep(const double t)
      {
        return t * t * t * (t * (6. * t - 15.) + 10.);
      }
    } // namespace

    void
    FreeVolumeGlass::Parameters::check() const
    {
      std::ostringstream e;
      auto               positive = [&e](const char *name, const double v)
      {
        if (!(v > 0.))
          e << "  " << name << " = " << v << ": must be > 0.\n";
      };
      positive("Young's modulus", youngs_modulus);
      if (!(poissons_ratio > -1. && poissons_ratio < 0.5))
        e << "  Poisson's ratio = " << poissons_ratio
          << ": must lie in (-1, 0.5).\n";
      positive("Attempt frequency", attempt_frequency);
      positive("Activation volume", activation_volume);
      positive("Critical volume", critical_volume);
      positive("Alpha", alpha);
      positive("Number of jumps", n_jumps);
      if (!(activation_energy >= 0.))
        e << "  Activation energy = " << activation_energy
          << ": must be >= 0.\n";
      positive("Temperature", temperature);
      positive("Initial free volume", initial_free_volume);
      if (!(perturbation_amplitude >= 0. &&
            perturbation_amplitude < initial_free_volume))
        e << "  Initial free volume perturbation = " << perturbation_amplitude
          << ": must lie in [0, Initial free volume = " << initial_free_volume
          << ") so that xi stays positive.\n";
      positive("Correlation length", correlation_length);
      if (!(pressure_sensitivity >= 0. && pressure_sensitivity < 1.))
        e << "  Pressure sensitivity = " << pressure_sensitivity
          << ": must lie in [0, 1).\n";
      if (!(diffusion_length >= 0.))
        e << "  Diffusion length = " << diffusion_length << ": must be >= 0.\n";
      positive("Diffusion rate", diffusion_rate);
      AssertThrow(e.str().empty(),
                  dealii::ExcMessage(
                    "subsection free volume glass: invalid entries:\n" +
                    e.str()));
    }

    FreeVolumeGlass::FreeVolumeGlass(const Parameters &parameters_in)
        : parameters(parameters_in)
    {
      parameters.check();
      const Parameters &p = parameters;
      elasticity =
        hencky::IsotropicElasticity::from_young_poisson(p.youngs_modulus,
                                                        p.poissons_ratio);
      const double kT = boltzmann * p.temperature;
      const double S_E =
        p.youngs_modulus / (3. * (1. - p.poissons_ratio)); // 2mu(1+nu)/3(1-nu)
      kappa           = p.activation_volume / (2. * kT);
      q_activation    = p.activation_energy * electron_volt / kT;
      creation_factor = 2. * p.alpha * kT / (p.critical_volume * S_E);
    }

    namespace
    {
      FreeVolumeGlass::Parameters
      parse(dealii::ParameterHandler &prm)
      {
        FreeVolumeGlass::Parameters p;
        p.youngs_modulus      = prm.get_double("Young's modulus");
        p.poissons_ratio      = prm.get_double("Poisson's ratio");
        p.attempt_frequency   = prm.get_double("Attempt frequency");
        p.activation_volume   = prm.get_double("Activation volume");
        p.critical_volume     = prm.get_double("Critical volume");
        p.alpha               = prm.get_double("Alpha");
        p.n_jumps             = prm.get_double("Number of jumps");
        p.activation_energy   = prm.get_double("Activation energy");
        p.temperature         = prm.get_double("Temperature");
        p.initial_free_volume = prm.get_double("Initial free volume");
        p.perturbation_amplitude =
          prm.get_double("Initial free volume perturbation");
        p.correlation_length   = prm.get_double("Correlation length");
        p.seed                 = prm.get_integer("Seed");
        p.pressure_sensitivity = prm.get_double("Pressure sensitivity");
        p.diffusion_length     = prm.get_double("Diffusion length");
        p.diffusion_rate       = prm.get_double("Diffusion rate");
        p.diffusion_follows_plastic_rate =
          prm.get("Diffusion law") == "plastic rate";
        return p;
      }
    } // namespace

    FreeVolumeGlass::FreeVolumeGlass(dealii::ParameterHandler &prm)
        : FreeVolumeGlass(parse(prm))
    {
    }

    void
    FreeVolumeGlass::declare_parameters(dealii::ParameterHandler &prm)
    {
      using dealii::Patterns::Double;
      using dealii::Patterns::Integer;
      prm.declare_entry("Young's modulus",
                        "92000",
                        Double(0.),
                        "Young's modulus E [MPa]. Default: 92 GPa, "
                        "nanoindentation of the Ti-Zr-Nb-Hf glass "
                        "(experiments.md).");
      prm.declare_entry("Poisson's ratio",
                        "0.36",
                        Double(-1., 0.5),
                        "Poisson's ratio nu [-]. Default 0.36: typical of "
                        "Zr/Ti-based metallic glasses (not measured for "
                        "this composition).");
      prm.declare_entry("Attempt frequency",
                        "1e13",
                        Double(0.),
                        "Atomic attempt frequency f [1/s] (Debye order; "
                        "Huang et al. 2002, model-spec §4).");
      prm.declare_entry(
        "Activation volume",
        "1.5e-10",
        Double(0.),
        "Activation volume Omega of a flow event [µm^3]. Sets the stress "
        "sensitivity: gdot ~ sinh(td Omega / 2kT); the apparent activation "
        "volume of the model, sqrt(3) kT dln(rate)/d sigma, is Omega/2 and "
        "its rate sensitivity at yield m ~ 2 sqrt(3) kT/(Omega sigma_y). "
        "Default 150 Å^3 = 1.5e-10 µm^3 (calibrated): m = 0.05 at 1.8 GPa, "
        "apparent activation volume 75 Å^3, the order of the rate-"
        "sensitivity (STZ) activation volumes of metallic glasses "
        "(~1e2 Å^3, i.e. m ~ 0.02-0.05), and a sharp yield (0.2 % offset "
        "yield within 0.5 % of the peak). The atomic volume (18 Å^3, "
        "model-spec §4) gives m ~ 0.45 and a rounded curve (0.2 % offset "
        "yield 1.2 GPa, peak 2.06 GPa with xi_0 = 0.0468).");
      prm.declare_entry("Critical volume",
                        "1.8e-11",
                        Double(0.),
                        "Effective hard-sphere volume v* [µm^3]; "
                        "xi = v_f/(alpha v*). Default 18 Å^3 (model-spec "
                        "§4).");
      prm.declare_entry("Alpha",
                        "0.5",
                        Double(0.),
                        "Geometric overlap factor alpha [-] (range 0.15-1, "
                        "model-spec §4). Default 0.5: the steady-state free "
                        "volume at 1.8 GPa far exceeds xi_0, so the glass "
                        "softens after yield; with Omega = 150 Å^3 alpha "
                        "hardly changes the curve (0.15 gives the same "
                        "yield and peak, 5 % more stress at 8 %).");
      prm.declare_entry("Number of jumps",
                        "3",
                        Double(0.),
                        "Number n_D of atomic jumps to annihilate a free "
                        "volume of v* [-] (model-spec §4: 3).");
      prm.declare_entry("Activation energy",
                        "0.4",
                        Double(0.),
                        "Activation energy Delta G of an atomic jump [eV] "
                        "(range 0.2-0.5 eV, model-spec §4). Only the sum "
                        "1/xi_0 + Delta G/kT sets the flow stress at xi_0.");
      prm.declare_entry("Temperature",
                        "298",
                        Double(0.),
                        "Absolute temperature T [K].");
      prm.declare_entry(
        "Initial free volume",
        "0.0258",
        Double(0.),
        "Mean initial normalised free volume xi_0 [-]. Default 0.0258 "
        "(calibrated with Omega = 150 Å^3, 0.4 eV, 298 K: 1/xi_0 + "
        "Delta G/kT = 54.3): a homogeneous uniaxial compression at 5e-3 /s "
        "has its 0.2 % offset yield at 1.80 GPa (E = 92 GPa, experiments.md), "
        "its peak 1.80 GPa at 2.1 % strain, and softens after the peak "
        "(1.36 GPa at 3 %, 0.79 GPa at 5 %, 0.25 GPa at 10 %) as free volume "
        "is created.");
      prm.declare_entry("Initial free volume perturbation",
                        "0",
                        Double(0.),
                        "Amplitude delta_xi of the random perturbation of "
                        "xi_0 [-]: xi_0(X) = xi_0 + delta_xi g(X), g in "
                        "[-1, 1] a smooth random field of the reference "
                        "position. Must be below xi_0.");
      prm.declare_entry("Correlation length",
                        "0.01",
                        Double(0.),
                        "Correlation length l_c of the perturbation [µm]: "
                        "spacing of the random lattice values.");
      prm.declare_entry("Seed",
                        "1",
                        Integer(0),
                        "Seed of the random initial free volume field.");
      prm.declare_entry(
        "Pressure sensitivity",
        "0",
        Double(0., 1.),
        "Pressure sensitivity beta [-]: the driving stress is "
        "td = tbar + beta tr(tau)/3, so that compression raises the flow "
        "stress. Dilatation of the flow is not implemented (isochoric).");
      prm.declare_entry(
        "Diffusion length",
        "0.004",
        Double(0.),
        "Internal length l of free-volume diffusion [µm]: D_xi = l^2 nu_D "
        "(nu_D: 'Diffusion rate') is the diffusivity of xi in "
        "xidot = div(D_xi grad xi) + source (Huang et al. 2002), applied by "
        "the solver over the glass cells (zero flux at their boundary). l is "
        "the distance xi diffuses in the time 1/nu_D; a shear band is some l "
        "wide if the mesh resolves l (cells <= l/2), else mesh-size. "
        "Default 4 nm (a 12 nm glass layer has no room for a band). 0: no "
        "diffusion (local model).");
      prm.declare_entry(
        "Diffusion rate",
        "8.66e-3",
        Double(0.),
        "Characteristic rate nu_D of free-volume diffusion [1/s], > 0: "
        "D_xi = l^2 nu_D. Default 8.66e-3 /s: the plastic shear rate of "
        "homogeneous flow at the test rate 5e-3 /s (sqrt(3) x 5e-3), i.e. "
        "the stress-assisted atomic jump rate at yield.");
      prm.declare_entry(
        "Diffusion law",
        "plastic rate",
        dealii::Patterns::Selection("plastic rate|constant"),
        "How D_xi follows the state: 'plastic rate': D_xi = l^2 max(nu_D, "
        "gdot), gdot the local plastic shear rate of the last step (the "
        "atomic jump rate that drives both free-volume creation and its "
        "diffusion, so a band stays a few l wide however fast it shears); "
        "'constant': D_xi = l^2 nu_D everywhere (a fast band is then "
        "narrower, ~ l sqrt(nu_D/gdot)).");
    }

    unsigned int
    FreeVolumeGlass::n_state() const
    {
      return hencky::n_metric_components + 3;
    }

    double
    FreeVolumeGlass::perturbation(const dealii::Point<3> &X) const
    {
      const double l = parameters.correlation_length;
      std::int64_t i0[3];
      double       w[3];
      for (unsigned int d = 0; d < 3; ++d)
      {
        const double u = X[d] / l;
        const double f = std::floor(u);
        i0[d]          = static_cast<std::int64_t>(f);
        w[d]           = smoothstep(u - f);
      }
      double g = 0.;
      for (unsigned int c = 0; c < 8; ++c)
      {
        const unsigned int b[3]   = {c & 1u, (c >> 1) & 1u, (c >> 2) & 1u};
        double             weight = 1.;
        for (unsigned int d = 0; d < 3; ++d)
          weight *= b[d] ? w[d] : 1. - w[d];
        if (weight != 0.)
          g += weight * node_value(parameters.seed,
                                   i0[0] + b[0],
                                   i0[1] + b[1],
                                   i0[2] + b[2]);
      }
      return g;
    }

    double
    FreeVolumeGlass::initial_free_volume(const dealii::Point<3> &X) const
    {
      if (parameters.perturbation_amplitude == 0.)
        return parameters.initial_free_volume;
      return parameters.initial_free_volume +
             parameters.perturbation_amplitude * perturbation(X);
    }

    void
    FreeVolumeGlass::initialise_state(const PointContext  &context,
                                      std::vector<double> &state) const
    {
      state.assign(n_state(), 0.);
      hencky::write_metric(dealii::unit_symmetric_tensor<3>(), state);
      state[xi_index] = initial_free_volume(context.X);
    }

    double
    FreeVolumeGlass::plastic_shear_rate(const double td, const double xi) const
    {
      const double x = kappa * std::max(td, 0.);
      return 2. * parameters.attempt_frequency *
             std::exp(-1. / xi - q_activation) * std::sinh(x);
    }

    double
    FreeVolumeGlass::free_volume_rate(const double td,
                                      const double xi,
                                      double      *d_dtd,
                                      double      *d_dxi) const
    {
      const double x   = kappa * std::max(td, 0.);
      const double sh  = std::sinh(0.5 * x);
      const double cm  = 2. * sh * sh; // cosh(x) - 1 without cancellation
      const double pre = parameters.attempt_frequency / parameters.alpha *
                         std::exp(-1. / xi - q_activation);
      const double bracket =
        creation_factor * cm / xi - 1. / parameters.n_jumps;
      if (d_dtd != nullptr)
        *d_dtd =
          td > 0. ? pre * creation_factor * std::sinh(x) * kappa / xi : 0.;
      if (d_dxi != nullptr)
        *d_dxi = pre * (bracket / (xi * xi) - creation_factor * cm / (xi * xi));
      return pre * bracket;
    }

    namespace
    {
      // Residuals and Jacobian of the local system in (dg, y = ln xi); see
      // the class comment. r_td holds dR/d td_trial (td_trial enters only
      // through td = td_trial - G dg).
      struct LocalSystem
      {
        double R[2];
        double J[2][2];
        double r_td[2];
        // Size of the terms of R[0], R[1]: round-off makes |R| ~ 1e-16 of
        // them, so the convergence tests are relative to these.
        double scale[2];
      };
    } // namespace

    void
    FreeVolumeGlass::update(const Tensor2 &F,
                            const Tensor2 & /*F_old*/,
                            const double               dt,
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

      const Parameters   &p = parameters;
      const double        G = elasticity.G, K = elasticity.K;
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
      const double             tbar_tr   = s_norm / std::sqrt(2.);
      const double             sm        = K * dealii::trace(trial.eps);
      const double             td_tr = tbar_tr + p.pressure_sensitivity * sm;
      const double             xi_n  = old_state[xi_index];
      const double             y_n   = std::log(xi_n);

      // Flow only with a positive driving stress and a defined direction.
      const bool   flow   = dt > 0. && td_tr > 0. && tbar_tr > 1e-12 * G;
      const double dg_max = flow ? std::min(tbar_tr, td_tr) / G : 0.;

      const double ln_2fdt =
        dt > 0. ? std::log(2. * p.attempt_frequency * dt) : 0.;
      const double nD_inv = 1. / p.n_jumps;
      const double cE     = creation_factor;

      auto evaluate = [&](const double dg, const double y, LocalSystem &s)
      {
        const double xi  = std::exp(y);
        const double lnA = ln_2fdt - 1. / xi - q_activation;
        const double A   = std::exp(lnA);
        const double td  = td_tr - G * dg;
        const double x   = kappa * std::max(td, 0.);
        const double dx  = td > 0. ? kappa : 0.; // dx/d td
        // R1 = x - asinh(dg/A), asinh(dg/A) = ln(dg + sqrt(dg^2+A^2)) - lnA
        const double root = std::sqrt(dg * dg + A * A);
        if (flow)
        {
          s.R[0]    = x - (root > 0. ? std::log(dg + root) - lnA : 0.);
          s.r_td[0] = dx;
          s.J[0][0] = -G * dx - 1. / root;
          s.J[0][1] = dg / (root * xi);
        }
        else
        {
          s.R[0]    = dg;
          s.r_td[0] = 0.;
          s.J[0][0] = 1.;
          s.J[0][1] = 0.;
        }
        // R2 = 1 - xi_n/xi - B [cE C / xi^2 - 1/(n_D xi)], B = A/(2 alpha)
        const double B       = A / (2. * p.alpha);
        const double sh2     = std::sinh(0.5 * x);
        const double C       = 2. * sh2 * sh2;
        const double bracket = cE * C / (xi * xi) - nD_inv / xi;
        const double e       = std::exp(y_n - y);
        s.R[1]               = 1. - e - (dt > 0. ? B * bracket : 0.);
        s.scale[0]           = 1. + std::abs(x);
        // R[1] = 1 - xi_n/xi - B (creation - annihilation): its O(1) terms
        // are exact to ~1e-16 and count with 1e-2 (an absolute 1e-14 at
        // the 1e-12 test: a small dt changes xi by little, and that change
        // must not drown); creation and annihilation nearly cancel near the
        // steady state and count with 1e-3 (~1e-15 of each).
        s.scale[1] =
          1e-2 * (1. + e) +
          (dt > 0. ? 1e-3 * B * (cE * C / (xi * xi) + nD_inv / xi) : 0.);
        const double dR2_dtd =
          dt > 0. ? -B * cE * std::sinh(x) * dx / (xi * xi) : 0.;
        s.r_td[1] = dR2_dtd;
        s.J[1][0] = -G * dR2_dtd;
        s.J[1][1] =
          e - (dt > 0. ? B / xi * bracket +
                           B * (-2. * cE * C / (xi * xi) + nD_inv / xi)
                       : 0.);
      };

      // dg(y): the root of R1 at fixed y = ln xi. R1 is convex and
      // decreasing in dg, so Newton from dg = 0 converges monotonically from
      // below (in the log regime dg grows by a factor ~e per iteration).
      LocalSystem s;
      auto        dg_at = [&](const double y_fixed)
      {
        double dg = 0.;
        if (flow)
          for (unsigned int it = 0; it < 200; ++it)
          {
            evaluate(dg, y_fixed, s);
            const double step = -s.R[0] / s.J[0][0];
            dg                = std::min(dg + step, dg_max);
            if (!(std::abs(step) > 1e-15 * dg_max))
              break;
          }
        return dg;
      };

      // Damped 2x2 Newton on (dg, y) with backtracking on |R|^2, from
      // (dg, y); true when converged.
      auto newton = [&](double &dg, double &y)
      {
        bool converged = false;
        evaluate(dg, y, s);
        double     merit = s.R[0] * s.R[0] + s.R[1] * s.R[1];
        const auto below = [](const LocalSystem &t, const double tol)
        {
          return std::abs(t.R[0]) <= tol * t.scale[0] &&
                 std::abs(t.R[1]) <= tol * t.scale[1];
        };
        for (unsigned int it = 0; it < 100; ++it)
        {
          if (below(s, 1e-12))
          {
            converged = true;
            break;
          }
          const double det = s.J[0][0] * s.J[1][1] - s.J[0][1] * s.J[1][0];
          if (!(std::abs(det) > 0.) || !std::isfinite(det))
            break;
          double d_dg = -(s.J[1][1] * s.R[0] - s.J[0][1] * s.R[1]) / det;
          double d_y  = -(-s.J[1][0] * s.R[0] + s.J[0][0] * s.R[1]) / det;
          // Keep xi within a factor e per iteration.
          const double limit = std::abs(d_y) > 1. ? 1. / std::abs(d_y) : 1.;
          d_dg *= limit;
          d_y *= limit;
          double      lambda = 1.;
          LocalSystem trial_s;
          double      dg_new = dg, y_new = y, merit_new = merit;
          bool        decreased = false;
          for (unsigned int ls = 0; ls < 30; ++ls, lambda *= 0.5)
          {
            dg_new = dg + lambda * d_dg;
            if (dg_new < 0.)
              dg_new = 0.5 * dg;
            if (dg_new > dg_max)
              dg_new = 0.5 * (dg + dg_max);
            y_new = y + lambda * d_y;
            evaluate(dg_new, y_new, trial_s);
            merit_new =
              trial_s.R[0] * trial_s.R[0] + trial_s.R[1] * trial_s.R[1];
            if (std::isfinite(merit_new) &&
                merit_new <= (1. - 1e-4 * lambda) * merit)
            {
              decreased = true;
              break;
            }
          }
          // A line search that cannot decrease |R| any more has reached
          // round-off: converged if that is small against the terms.
          if (!decreased)
          {
            converged = below(s, 1e-9);
            break;
          }
          dg    = dg_new;
          y     = y_new;
          s     = trial_s;
          merit = merit_new;
        }
        return converged && std::isfinite(dg) && std::isfinite(y);
      };

      // Predictor: dg from R1 at xi_n alone, then the coupled Newton.
      double y         = y_n;
      double dg        = dg_at(y);
      bool   converged = newton(dg, y);

      // Fallback for large, stiff steps (a large activation volume makes
      // cosh(td Omega/2kT) huge in the trial state): r(y) = R2(dg(y), y) is
      // negative for xi -> 0 and tends to 1 for xi -> infinity, so a root
      // is bracketed by stepping y outward from y_n and found by bisection
      // with R1 solved exactly at every y; the coupled Newton then polishes
      // it (and leaves s, the Jacobian of the tangent, at the solution).
      if (!converged)
      {
        auto r_at = [&](const double y_try)
        {
          const double dg_try = dg_at(y_try);
          evaluate(dg_try, y_try, s);
          return s.R[1];
        };
        double lo = y_n, hi = y_n, r_lo = r_at(y_n), r_hi = r_lo;
        bool   bracketed = false;
        double width     = 0.25;
        for (unsigned int k = 0; k < 40 && std::isfinite(r_lo); ++k)
        {
          if (r_lo < 0.)
          {
            lo   = hi;
            r_lo = r_hi;
            hi   = lo + width;
            r_hi = r_at(hi);
            if (r_hi >= 0.)
            {
              bracketed = true;
              break;
            }
          }
          else
          {
            hi   = lo;
            r_hi = r_lo;
            lo   = hi - width;
            r_lo = r_at(lo);
            if (r_lo < 0.)
            {
              bracketed = true;
              break;
            }
          }
          width *= 2.;
        }
        if (bracketed && std::isfinite(r_hi))
        {
          for (unsigned int k = 0;
               k < 200 && hi - lo > 1e-15 * (1. + std::abs(hi));
               ++k)
          {
            const double mid = 0.5 * (lo + hi);
            if (r_at(mid) < 0.)
              lo = mid;
            else
              hi = mid;
          }
          y         = 0.5 * (lo + hi);
          dg        = dg_at(y);
          converged = newton(dg, y);
        }
      }
      if (!converged)
      {
        result.converged = false;
        return;
      }

      // Stress and algorithmic tangent d tau / d eps_trial.
      const hencky::SymTensor2 I   = dealii::unit_symmetric_tensor<3>();
      hencky::SymTensor2       tau = tau_trial;
      hencky::SymTensor4       D   = elasticity.tangent();
      if (flow)
      {
        const double             tbar = tbar_tr - G * dg;
        const hencky::SymTensor2 N    = s_trial / s_norm;
        // c = d dg / d td_trial = -(J^-1 r_td)_0
        const double det = s.J[0][0] * s.J[1][1] - s.J[0][1] * s.J[1][0];
        const double c = -(s.J[1][1] * s.r_td[0] - s.J[0][1] * s.r_td[1]) / det;
        tau            = sm * I + (tbar / tbar_tr) * s_trial;
        D              = K * dealii::outer_product(I, I) +
            2. * G * (tbar / tbar_tr) *
              (dealii::deviator_tensor<3>() - dealii::outer_product(N, N)) +
            2. * G * (1. - G * c) * dealii::outer_product(N, N) -
            std::sqrt(2.) * G * c * p.pressure_sensitivity * K *
              dealii::outer_product(N, I);
      }
      else if (dt > 0. && p.pressure_sensitivity == 0. && tbar_tr <= 1e-12 * G)
      {
        // Zero deviator (e.g. F = I, the first solver iteration): the
        // flow is viscous there (sinh is odd), dg = c0 tbar_trial with
        // c0 = kappa A / (1 + kappa A G) from linearising R1 at dg = 0,
        // so the tangent is the limit of the one above. With beta != 0
        // this point is a kink and the elastic tangent is kept.
        const double A  = std::exp(ln_2fdt - std::exp(-y) - q_activation);
        const double c0 = kappa * A / (1. + kappa * A * G);
        D               = K * dealii::outer_product(I, I) +
            2. * G * (1. - G * c0) * dealii::deviator_tensor<3>();
      }

      const hencky::SymTensor2 eps_e =
        dealii::trace(trial.eps) / 3. * I + dealii::deviator(tau) / (2. * G);
      hencky::write_metric(hencky::plastic_metric_inverse(trial, eps_e),
                           new_state);
      new_state[ep_index]   = old_state[ep_index] + dg / std::sqrt(3.);
      new_state[xi_index]   = std::exp(y);
      new_state[rate_index] = dt > 0. ? dg / dt : 0.;

      result.P     = hencky::first_piola(trial, tau);
      result.dP_dF = hencky::tangent(trial, tau, D);
    }

    std::vector<std::string>
    FreeVolumeGlass::output_names() const
    {
      return {"free_volume", "plastic_shear_rate"};
    }

    void
    FreeVolumeGlass::output_values(const std::vector<double> &state,
                                   std::vector<double>       &values) const
    {
      values = {state[xi_index], state[rate_index]};
    }

    double
    FreeVolumeGlass::equivalent_plastic_strain(
      const std::vector<double> &state) const
    {
      return state[ep_index];
    }

    double
    FreeVolumeGlass::shear_modulus() const
    {
      return elasticity.G;
    }

    unsigned int
    FreeVolumeGlass::diffusing_state_index() const
    {
      return diffusivity() > 0. ? xi_index
                                : std::numeric_limits<unsigned int>::max();
    }

    double
    FreeVolumeGlass::diffusivity() const
    {
      return parameters.diffusion_length * parameters.diffusion_length *
             parameters.diffusion_rate;
    }

    double
    FreeVolumeGlass::diffusivity_at(const std::vector<double> &state) const
    {
      if (!parameters.diffusion_follows_plastic_rate)
        return diffusivity();
      return parameters.diffusion_length * parameters.diffusion_length *
             std::max(parameters.diffusion_rate, state[rate_index]);
    }
  } // namespace constitutive
} // namespace micropillar

using micropillar::constitutive::FreeVolumeGlass;
MICROPILLAR_REGISTER_MODEL(
  FreeVolumeGlass,
  "free volume glass",
  "Spaepen free-volume metallic glass at finite strain (continuum form of "
  "Huang, Suo, Prevost, Nix 2002): Hencky elasticity, exponential map, "
  "coupled radial return / free-volume backward-Euler update with a 2x2 "
  "local Newton in (shear increment, ln xi), analytic consistent tangent, "
  "optional pressure sensitivity, seeded random initial free volume, "
  "free-volume diffusion with an internal length (Diffusion length).")
