#include <cmath>
#include <micropillar/constitutive/hencky.h>

namespace micropillar
{
  namespace constitutive
  {
    namespace hencky
    {
      namespace
      {
        // Component order of the stored metric.
        constexpr unsigned int idx[6][2] =
          {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};

        using Eigen = std::array<std::pair<double, dealii::Tensor<1, 3>>, 3>;

        // The Jacobi method gives orthonormal eigenvectors to round-off
        // also for (nearly) repeated eigenvalues, which the spectral formulas
        // below rely on (F = I and uniaxial states are exactly that case).
        Eigen
        eigen(const SymTensor2 &A)
        {
          return dealii::eigenvectors(
            A, dealii::SymmetricTensorEigenvectorMethod::jacobi);
        }

        // (ln a - ln b)/(a - b), accurate for a -> b (then 1/a).
        double
        log_divided_difference(const double a, const double b)
        {
          const double x = (a - b) / b;
          if (std::abs(x) < 1e-8)
            return (1. - x / 2. + x * x / 3.) / b;
          return std::log1p(x) / (a - b);
        }
      } // namespace

      SymTensor2
      read_metric(const std::vector<double> &state, const unsigned int offset)
      {
        SymTensor2 m;
        for (unsigned int c = 0; c < 6; ++c)
          m[idx[c][0]][idx[c][1]] = state[offset + c];
        return m;
      }

      void
      write_metric(const SymTensor2    &metric,
                   std::vector<double> &state,
                   const unsigned int   offset)
      {
        for (unsigned int c = 0; c < 6; ++c)
          state[offset + c] = metric[idx[c][0]][idx[c][1]];
      }

      IsotropicElasticity
      IsotropicElasticity::from_young_poisson(const double E, const double nu)
      {
        IsotropicElasticity e;
        e.K = E / (3. * (1. - 2. * nu));
        e.G = E / (2. * (1. + nu));
        return e;
      }

      SymTensor2
      IsotropicElasticity::stress(const SymTensor2 &eps) const
      {
        return K * dealii::trace(eps) * dealii::unit_symmetric_tensor<3>() +
               2. * G * dealii::deviator(eps);
      }

      SymTensor4
      IsotropicElasticity::tangent() const
      {
        return K * dealii::outer_product(dealii::unit_symmetric_tensor<3>(),
                                         dealii::unit_symmetric_tensor<3>()) +
               2. * G * dealii::deviator_tensor<3>();
      }

      namespace
      {
        bool
        positive(const Eigen &e)
        {
          for (const auto &pair : e)
            if (!(pair.first > 0.) || !std::isfinite(pair.first))
              return false;
          return true;
        }

        // ln A from A's eigenpairs e (all eigenvalues positive).
        SymTensor2
        log_of_eigen(const Eigen                         &e,
                     SymTensor4                          *dlnA_dA,
                     std::array<dealii::Tensor<1, 3>, 3> *directions)
        {
          if (directions != nullptr)
            for (unsigned int a = 0; a < 3; ++a)
              (*directions)[a] = e[a].second;
          SymTensor2 result;
          for (unsigned int a = 0; a < 3; ++a)
          {
            const double l = std::log(e[a].first);
            for (unsigned int i = 0; i < 3; ++i)
              for (unsigned int j = i; j < 3; ++j)
                result[i][j] += l * e[a].second[i] * e[a].second[j];
          }
          if (dlnA_dA != nullptr)
          {
            // Daleckii-Krein: dG_ij/dA_kl = sum_ab theta_ab n_a,i n_b,j
            // 1/2 (n_a,k n_b,l + n_a,l n_b,k).
            SymTensor4 &D = *dlnA_dA;
            D             = 0;
            for (unsigned int a = 0; a < 3; ++a)
              for (unsigned int b = 0; b < 3; ++b)
              {
                const double theta =
                  (a == b) ? 1. / e[a].first
                           : log_divided_difference(e[a].first, e[b].first);
                const dealii::Tensor<1, 3> &na = e[a].second;
                const dealii::Tensor<1, 3> &nb = e[b].second;
                for (unsigned int i = 0; i < 3; ++i)
                  for (unsigned int j = i; j < 3; ++j)
                  {
                    const double mij =
                      0.5 * theta * (na[i] * nb[j] + na[j] * nb[i]);
                    for (unsigned int k = 0; k < 3; ++k)
                      for (unsigned int l = k; l < 3; ++l)
                        D[i][j][k][l] +=
                          mij * 0.5 * (na[k] * nb[l] + na[l] * nb[k]);
                  }
              }
          }
          return result;
        }
      } // namespace

      SymTensor2
      log(const SymTensor2                    &A,
          SymTensor4                          *dlnA_dA,
          std::array<dealii::Tensor<1, 3>, 3> *directions)
      {
        const Eigen e = eigen(A);
        AssertThrow(positive(e),
                    dealii::ExcMessage(
                      "hencky::log: tensor is not positive definite"));
        return log_of_eigen(e, dlnA_dA, directions);
      }


      SymTensor2
      exp(const SymTensor2 &A)
      {
        const Eigen e = eigen(A);
        SymTensor2  result;
        for (unsigned int a = 0; a < 3; ++a)
        {
          const double v = std::exp(e[a].first);
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              result[i][j] += v * e[a].second[i] * e[a].second[j];
        }
        return result;
      }

      Trial::Trial(const Tensor2 &F_in, const SymTensor2 &Cp_inv_old_in)
          : F(F_in)
          , F_inv(dealii::invert(F_in))
          , Cp_inv_old(Cp_inv_old_in)
      {
        const Tensor2 Be_full = F * Tensor2(Cp_inv_old) * dealii::transpose(F);
        const SymTensor2 Be   = dealii::symmetrize(Be_full);
        const Eigen      e    = eigen(Be);
        defined               = positive(e);
        if (defined)
          eps = 0.5 * log_of_eigen(e, &dlnB_dB, &directions);
      }

      SymTensor2
      plastic_metric_inverse(const Trial &trial, const SymTensor2 &eps_e)
      {
        // Components of eps_e in the trial principal frame; a diagonal
        // matrix there means coaxial, and exp needs no new eigenproblem.
        const auto &n = trial.directions;
        double      e[3][3];
        double      off = 0.;
        for (unsigned int a = 0; a < 3; ++a)
          for (unsigned int b = 0; b < 3; ++b)
          {
            e[a][b] = n[a] * (eps_e * n[b]);
            if (a != b)
              off = std::max(off, std::abs(e[a][b]));
          }
        SymTensor2 Be;
        if (off <= 1e-13 * (1. + eps_e.norm()))
          for (unsigned int a = 0; a < 3; ++a)
          {
            const double v = std::exp(2. * e[a][a]);
            for (unsigned int i = 0; i < 3; ++i)
              for (unsigned int j = i; j < 3; ++j)
                Be[i][j] += v * n[a][i] * n[a][j];
          }
        else
          Be = hencky::exp(2. * eps_e);
        return dealii::symmetrize(trial.F_inv * Tensor2(Be) *
                                  dealii::transpose(trial.F_inv));
      }

      Tensor2
      first_piola(const Trial &trial, const SymTensor2 &tau)
      {
        return Tensor2(tau) * dealii::transpose(trial.F_inv);
      }

      Tensor4
      tangent(const Trial &trial, const SymTensor2 &tau, const SymTensor4 &D)
      {
        // M_pqkL = d eps_trial_pq / dF_kL = sum_s L_pqks (F Cp^-1)_sL,
        // using dBe_rs/dF_kL = delta_rk (F Cp^-1)_sL + delta_sk (F Cp^-1)_rL
        // and the minor symmetry of L.
        const Tensor2 FC = trial.F * Tensor2(trial.Cp_inv_old);
        Tensor4       M;
        for (unsigned int p = 0; p < 3; ++p)
          for (unsigned int q = 0; q < 3; ++q)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int L = 0; L < 3; ++L)
              {
                double v = 0.;
                for (unsigned int s = 0; s < 3; ++s)
                  v += trial.dlnB_dB[p][q][k][s] * FC[s][L];
                M[p][q][k][L] = v;
              }
        // dtau_im/dF_kL = sum_pq D_impq M_pqkL
        Tensor4 dtau;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int m = 0; m < 3; ++m)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int L = 0; L < 3; ++L)
              {
                double v = 0.;
                for (unsigned int p = 0; p < 3; ++p)
                  for (unsigned int q = 0; q < 3; ++q)
                    v += D[i][m][p][q] * M[p][q][k][L];
                dtau[i][m][k][L] = v;
              }
        // dP_iJ/dF_kL = dtau_im/dF_kL Finv_Jm - P_iL Finv_Jk
        const Tensor2 P = first_piola(trial, tau);
        Tensor4       A;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int J = 0; J < 3; ++J)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int L = 0; L < 3; ++L)
              {
                double v = -P[i][L] * trial.F_inv[J][k];
                for (unsigned int m = 0; m < 3; ++m)
                  v += dtau[i][m][k][L] * trial.F_inv[J][m];
                A[i][J][k][L] = v;
              }
        return A;
      }
    } // namespace hencky
  }   // namespace constitutive
} // namespace micropillar
