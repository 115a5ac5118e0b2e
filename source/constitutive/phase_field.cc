#include <algorithm>
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
      namespace
      {
        struct SpectralPart
        {
          Tensor2 tau_plus; // lambda <tr eps>_+ I + 2G sum <eps_i>_+ n_i n_i
          double  psi_plus  = 0.;
          double  psi_minus = 0.;
        };

        // The spectral split of the effective Kirchhoff stress (header);
        // with @p M, also M_abcd = d tau+_ab / d tau_cd (tau enters through
        // its symmetric part).
        SpectralPart
        spectral_part(const Tensor2         &tau,
                      const IsotropicModuli &m,
                      Tensor4               *M = nullptr)
        {
          // eps = C^-1 : sym(tau) = a sym(tau) + b tr(tau) I
          const double                  a  = 1. / (2. * m.G);
          const double                  b  = 1. / (9. * m.K) - 1. / (6. * m.G);
          const double                  tr = dealii::trace(tau);
          dealii::SymmetricTensor<2, 3> eps;
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              eps[i][j] =
                a * 0.5 * (tau[i][j] + tau[j][i]) + (i == j ? b * tr : 0.);
          const double lambda = m.K - 2. * m.G / 3., mu = m.G;
          const auto   eig = dealii::eigenvectors(
            eps, dealii::SymmetricTensorEigenvectorMethod::jacobi);
          const double tre = dealii::trace(eps);
          const double trp = std::max(tre, 0.), trm = std::min(tre, 0.);
          SpectralPart s;
          s.tau_plus =
            lambda * trp * Tensor2(dealii::unit_symmetric_tensor<3>());
          s.psi_plus  = 0.5 * lambda * trp * trp;
          s.psi_minus = 0.5 * lambda * trm * trm;
          for (const auto &[e, n] : eig)
          {
            const double ep = std::max(e, 0.), em = std::min(e, 0.);
            s.tau_plus += 2. * mu * ep * dealii::outer_product(n, n);
            s.psi_plus += mu * ep * ep;
            s.psi_minus += mu * em * em;
          }
          if (M == nullptr)
            return s;
          // d<eps>_+/d eps in the eigenbasis: divided differences of the
          // ramp, case by case (no division by a small difference; equal
          // eigenvalues on the same side give 1 or 0 exactly; the kink at
          // 0 takes the derivative 0).
          double theta[3][3];
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = 0; j < 3; ++j)
            {
              const double x = eig[i].first, y = eig[j].first;
              if (x > 0. && y > 0.)
                theta[i][j] = 1.;
              else if (x <= 0. && y <= 0.)
                theta[i][j] = 0.;
              else
                theta[i][j] = x > 0. ? x / (x - y) : y / (y - x);
            }
          // T = d tau+ / d eps on symmetric increments
          Tensor4      T;
          const double h = tre > 0. ? lambda : 0.;
          for (unsigned int p = 0; p < 3; ++p)
            for (unsigned int q = 0; q < 3; ++q)
            {
              const auto  &ni = eig[p].second;
              const auto  &nj = eig[q].second;
              const double w  = mu * theta[p][q]; // 2 mu theta x 1/2 (sym)
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = 0; j < 3; ++j)
                  for (unsigned int k = 0; k < 3; ++k)
                    for (unsigned int l = 0; l < 3; ++l)
                      T[i][j][k][l] +=
                        w * ni[i] * nj[j] * (ni[k] * nj[l] + nj[k] * ni[l]);
            }
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int k = 0; k < 3; ++k)
              T[i][i][k][k] += h;
          // M = T : (a sym + b I (x) I)
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = 0; j < 3; ++j)
            {
              const double TI = T[i][j][0][0] + T[i][j][1][1] + T[i][j][2][2];
              for (unsigned int k = 0; k < 3; ++k)
                for (unsigned int l = 0; l < 3; ++l)
                  (*M)[i][j][k][l] = a * T[i][j][k][l] + (k == l ? b * TI : 0.);
            }
          return s;
        }
      } // namespace


      Split
      split_from_string(const std::string &name)
      {
        if (name == "spectral")
          return Split::spectral;
        AssertThrow(name == "volumetric-deviatoric",
                    dealii::ExcMessage("unknown energy split <" + name +
                                       "> (volumetric-deviatoric or "
                                       "spectral)"));
        return Split::volumetric_deviatoric;
      }


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
      energy_split(const Tensor2         &tau,
                   const IsotropicModuli &moduli,
                   const Split            split)
      {
        if (split == Split::spectral)
        {
          const SpectralPart s = spectral_part(tau, moduli);
          return std::make_pair(s.psi_plus, s.psi_minus);
        }
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


      void
      degrade(UpdateResult          &r,
              const Tensor2         &F,
              const double           g,
              const Split            split,
              const IsotropicModuli &moduli)
      {
        if (split == Split::volumetric_deviatoric)
          return degrade(r, F, g);
        // P = P~ - c tau+(tau~) F^-T, tau~ = P~ F^T, c = 1 - g:
        // dP_ijkl = A_ijkl - c (M_imab Dtau_abkl F^-T_mj
        //                       - (tau+ F^-T)_il F^-T_kj),
        // Dtau_abkl = d tau~_ab / dF_kl = A_amkl F_bm + P~_al delta_bk.
        const double c = 1. - g;
        if (c == 0.)
          return;
        Tensor4            M;
        const SpectralPart s =
          spectral_part(r.P * dealii::transpose(F), moduli, &M);
        const Tensor2 Finv_T = dealii::transpose(dealii::invert(F));
        const Tensor2 Pp     = s.tau_plus * Finv_T;
        Tensor4       Dtau;
        for (unsigned int a = 0; a < 3; ++a)
          for (unsigned int b = 0; b < 3; ++b)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
              {
                double v = b == k ? r.P[a][l] : 0.;
                for (unsigned int m = 0; m < 3; ++m)
                  v += r.dP_dF[a][m][k][l] * F[b][m];
                Dtau[a][b][k][l] = v;
              }
        Tensor4 MD; // M_imab Dtau_abkl
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int m = 0; m < 3; ++m)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
              {
                double v = 0.;
                for (unsigned int a = 0; a < 3; ++a)
                  for (unsigned int b = 0; b < 3; ++b)
                    v += M[i][m][a][b] * Dtau[a][b][k][l];
                MD[i][m][k][l] = v;
              }
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
              {
                double v = -Pp[i][l] * Finv_T[k][j];
                for (unsigned int m = 0; m < 3; ++m)
                  v += MD[i][m][k][l] * Finv_T[m][j];
                r.dP_dF[i][j][k][l] -= c * v;
              }
        r.P -= c * Pp;
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
