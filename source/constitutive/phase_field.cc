#include <cmath>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/symmetric_tensor.h>
#include <micropillar/constitutive/phase_field.h>

namespace micropillar
{
  namespace constitutive
  {
    namespace phase_field
    {
      Functional
      functional_from_string(const std::string &name)
      {
        if (name == "AT1")
          return Functional::AT1;
        AssertThrow(name == "AT2",
                    dealii::ExcMessage("unknown phase-field functional <" +
                                       name + "> (AT1 or AT2)"));
        return Functional::AT2;
      }


      IsotropicModuli
      isotropic_moduli(const Model &model, const PointContext &context)
      {
        std::vector<double> state(model.n_state()), new_state;
        model.initialise_state(context, state);
        new_state = state;
        UpdateResult  r;
        const Tensor2 I = dealii::unit_symmetric_tensor<3>();
        model.update(I, I, 1., state, new_state, r);
        AssertThrow(r.converged,
                    dealii::ExcMessage("phase field: the material update at "
                                       "F = I did not converge"));
        double iijj = 0., ijij = 0.;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
          {
            iijj += r.dP_dF[i][i][j][j];
            ijij += 0.5 * (r.dP_dF[i][j][i][j] + r.dP_dF[i][j][j][i]);
          }
        IsotropicModuli m;
        m.K = iijj / 9.;
        m.G = (ijij - iijj / 3.) / 10.;
        return m;
      }


      std::pair<double, double>
      energy_split(const Tensor2 &tau, const IsotropicModuli &moduli)
      {
        const double p  = dealii::trace(tau) / 3.;
        double       s2 = 0.; // |dev tau|^2 of the symmetric part
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
          {
            const double t = 0.5 * (tau[i][j] + tau[j][i]) - (i == j ? p : 0.);
            s2 += t * t;
          }
        const double vol = p * p / (2. * moduli.K);
        const double dev = s2 / (4. * moduli.G);
        return p >= 0. ? std::make_pair(vol + dev, 0.)
                       : std::make_pair(dev, vol);
      }


      double
      plastic_work_increment(const Tensor2 &tau,
                             const double   ep_old,
                             const double   ep_new)
      {
        const double p  = dealii::trace(tau) / 3.;
        double       s2 = 0.;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
          {
            const double t = 0.5 * (tau[i][j] + tau[j][i]) - (i == j ? p : 0.);
            s2 += t * t;
          }
        return std::sqrt(1.5 * s2) * std::max(0., ep_new - ep_old);
      }


      double
      degradation(const double d, const double k)
      {
        return (1. - k) * (1. - d) * (1. - d) + k;
      }


      void
      degrade(UpdateResult &r, const Tensor2 &F, const double g)
      {
        const Tensor2 tau = r.P * dealii::transpose(F);
        const double  p   = dealii::trace(tau) / 3.;
        if (p >= 0.)
        {
          r.P *= g;
          r.dP_dF *= g;
          return;
        }
        // P_d = g P + (1 - g) p F^-T for p < 0.
        const Tensor2 Finv_T = dealii::transpose(dealii::invert(F));
        // dp/dF_kl = (A_ijkl F_ij + P_kl) / 3
        Tensor2 dp;
        for (unsigned int k = 0; k < 3; ++k)
          for (unsigned int l = 0; l < 3; ++l)
          {
            double s = r.P[k][l];
            for (unsigned int i = 0; i < 3; ++i)
              for (unsigned int j = 0; j < 3; ++j)
                s += r.dP_dF[i][j][k][l] * F[i][j];
            dp[k][l] = s / 3.;
          }
        const double c = 1. - g;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
                r.dP_dF[i][j][k][l] = g * r.dP_dF[i][j][k][l] +
                                      c * (Finv_T[i][j] * dp[k][l] -
                                           p * Finv_T[i][l] * Finv_T[k][j]);
        r.P = g * r.P + c * p * Finv_T;
      }


      double
      homogeneous_damage(const Functional f,
                         const double     H,
                         const double     Gc,
                         const double     l)
      {
        if (f == Functional::AT2)
          return 2. * H / (Gc / l + 2. * H);
        const double Hc = 3. * Gc / (16. * l);
        return H > Hc ? 1. - Hc / H : 0.;
      }


      double
      peak_stress(const Functional f,
                  const double     E,
                  const double     Gc,
                  const double     l)
      {
        if (f == Functional::AT2)
          return 9. / 16. * std::sqrt(E * Gc / (3. * l));
        return std::sqrt(3. * E * Gc / (8. * l));
      }
    } // namespace phase_field
  }   // namespace constitutive
} // namespace micropillar
