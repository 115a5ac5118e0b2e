#include <algorithm>
#include <array>
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

        // d<x>_+/dx of the principal values @p eig in the eigenbasis:
        // divided differences of the ramp, case by case (no division by a
        // small difference; equal eigenvalues on the same side give 1 or 0
        // exactly; the kink at 0 takes the derivative 0).
        void
        ramp_divided_differences(
          const std::array<std::pair<double, dealii::Tensor<1, 3>>, 3> &eig,
          double theta[3][3])
        {
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
        }

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
          // d<eps>_+/d eps in the eigenbasis
          double theta[3][3];
          ramp_divided_differences(eig, theta);
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

        // Mandel form of symmetric tensors: the pairs (i, j) of the six
        // components and their weights (1 on the diagonal, sqrt 2 off it),
        // so that a : b = a_M . b_M and C : a = C_M a_M.
        constexpr unsigned int mi[6] = {0, 1, 2, 1, 0, 0};
        constexpr unsigned int mj[6] = {0, 1, 2, 2, 2, 1};
        inline double
        mandel_weight(const unsigned int p)
        {
          return p < 3 ? 1. : std::sqrt(2.);
        }

        // Eigen-decomposition A = V diag(w) V^T of a symmetric 6 x 6 matrix
        // (cyclic Jacobi, to round-off).
        void
        symmetric_eigen6(double A[6][6], double w[6], double V[6][6])
        {
          for (unsigned int i = 0; i < 6; ++i)
            for (unsigned int j = 0; j < 6; ++j)
              V[i][j] = i == j ? 1. : 0.;
          double scale = 0.;
          for (unsigned int i = 0; i < 6; ++i)
            for (unsigned int j = 0; j < 6; ++j)
              scale += A[i][j] * A[i][j];
          for (unsigned int sweep = 0; sweep < 60; ++sweep)
          {
            double off = 0.;
            for (unsigned int i = 0; i < 6; ++i)
              for (unsigned int j = i + 1; j < 6; ++j)
                off += A[i][j] * A[i][j];
            if (off <= 1e-30 * scale)
              break;
            for (unsigned int p = 0; p < 6; ++p)
              for (unsigned int q = p + 1; q < 6; ++q)
              {
                if (A[p][q] == 0.)
                  continue;
                const double theta = 0.5 * (A[q][q] - A[p][p]) / A[p][q];
                const double t =
                  (theta >= 0. ? 1. : -1.) /
                  (std::abs(theta) + std::sqrt(theta * theta + 1.));
                const double c = 1. / std::sqrt(t * t + 1.), s = t * c;
                for (unsigned int k = 0; k < 6; ++k)
                {
                  const double akp = A[k][p], akq = A[k][q];
                  A[k][p] = c * akp - s * akq;
                  A[k][q] = s * akp + c * akq;
                }
                for (unsigned int k = 0; k < 6; ++k)
                {
                  const double apk = A[p][k], aqk = A[q][k];
                  A[p][k] = c * apk - s * aqk;
                  A[q][k] = s * apk + c * aqk;
                }
                for (unsigned int k = 0; k < 6; ++k)
                {
                  const double vkp = V[k][p], vkq = V[k][q];
                  V[k][p] = c * vkp - s * vkq;
                  V[k][q] = s * vkp + c * vkq;
                }
              }
          }
          for (unsigned int i = 0; i < 6; ++i)
            w[i] = A[i][i];
        }

        // The orthogonal split of the effective Kirchhoff stress (header)
        // in the metric C; with @p M, also d tau+_ab / d tau_cd as in
        // spectral_part().
        // C^1/2 and C^-1/2 of C in Mandel form.
        void
        mandel_roots(const Stiffness &C,
                     double           root[6][6],
                     double           inv_root[6][6])
        {
          double A[6][6], w[6], V[6][6];
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
              A[p][q] = C[mi[p]][mj[p]][mi[q]][mj[q]] * mandel_weight(p) *
                        mandel_weight(q);
          symmetric_eigen6(A, w, V);
          for (unsigned int k = 0; k < 6; ++k)
            AssertThrow(w[k] > 0. && std::isfinite(w[k]),
                        dealii::ExcMessage(
                          "phase field: the elastic stiffness of the "
                          "orthogonal split is not positive definite"));
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              double r = 0., ri = 0.;
              for (unsigned int k = 0; k < 6; ++k)
              {
                r += V[p][k] * std::sqrt(w[k]) * V[q][k];
                ri += V[p][k] / std::sqrt(w[k]) * V[q][k];
              }
              root[p][q]     = r;
              inv_root[p][q] = ri;
            }
        }

        // The roots of the isotropic C = 3K P_vol + 2G P_dev, in closed
        // form: sqrt(3K) P_vol + sqrt(2G) P_dev and its inverse.
        void
        isotropic_roots(const IsotropicModuli &m,
                        double                 root[6][6],
                        double                 inv_root[6][6])
        {
          AssertThrow(m.K > 0. && m.G > 0.,
                      dealii::ExcMessage("phase field: the orthogonal split "
                                         "needs positive K and G"));
          const double a = std::sqrt(3. * m.K), b = std::sqrt(2. * m.G);
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              const double vol = p < 3 && q < 3 ? 1. / 3. : 0.;
              const double dev = (p == q ? 1. : 0.) - vol;
              root[p][q]       = a * vol + b * dev;
              inv_root[p][q]   = vol / a + dev / b;
            }
        }

        // The orthogonal split of the effective Kirchhoff stress (header)
        // in the metric whose roots C^1/2, C^-1/2 are given; with @p M,
        // also d tau+_ab / d tau_cd as in spectral_part().
        SpectralPart
        orthogonal_part(const Tensor2 &tau,
                        const double   root[6][6],
                        const double   inv_root[6][6],
                        Tensor4       *M = nullptr)
        {
          // e^ = C^-1/2 : sym(tau)
          double t[6], e[6];
          for (unsigned int q = 0; q < 6; ++q)
            t[q] =
              0.5 * (tau[mi[q]][mj[q]] + tau[mj[q]][mi[q]]) * mandel_weight(q);
          dealii::SymmetricTensor<2, 3> eh;
          for (unsigned int p = 0; p < 6; ++p)
          {
            e[p] = 0.;
            for (unsigned int q = 0; q < 6; ++q)
              e[p] += inv_root[p][q] * t[q];
            eh[mi[p]][mj[p]] = e[p] / mandel_weight(p);
          }
          const auto eig = dealii::eigenvectors(
            eh, dealii::SymmetricTensorEigenvectorMethod::jacobi);
          SpectralPart                  s;
          dealii::SymmetricTensor<2, 3> ep;
          for (const auto &[x, n] : eig)
          {
            s.psi_plus += 0.5 * std::max(x, 0.) * std::max(x, 0.);
            s.psi_minus += 0.5 * std::min(x, 0.) * std::min(x, 0.);
            if (x > 0.)
              ep += x * dealii::symmetrize(dealii::outer_product(n, n));
          }
          // tau+ = C^1/2 : <e^>_+
          double epM[6];
          for (unsigned int q = 0; q < 6; ++q)
            epM[q] = ep[mi[q]][mj[q]] * mandel_weight(q);
          for (unsigned int p = 0; p < 6; ++p)
          {
            double v = 0.;
            for (unsigned int q = 0; q < 6; ++q)
              v += root[p][q] * epM[q];
            s.tau_plus[mi[p]][mj[p]] = s.tau_plus[mj[p]][mi[p]] =
              v / mandel_weight(p);
          }
          if (M == nullptr)
            return s;
          // Theta = d<e^>_+/de^ in Mandel form, from the divided
          // differences of the ramp (as in spectral_part()).
          double theta[3][3];
          ramp_divided_differences(eig, theta);
          double Th[6][6];
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              const unsigned int i = mi[p], j = mj[p], k = mi[q], l = mj[q];
              double             v = 0.;
              for (unsigned int a = 0; a < 3; ++a)
                for (unsigned int b = 0; b < 3; ++b)
                {
                  const auto &na = eig[a].second, &nb = eig[b].second;
                  v += theta[a][b] * na[i] * nb[j] * 0.5 *
                       (na[k] * nb[l] + nb[k] * na[l]);
                }
              Th[p][q] = v * mandel_weight(p) * mandel_weight(q);
            }
          // D = C^1/2 Theta C^-1/2 (Mandel), then as a 4th-order tensor on
          // the symmetric part of tau.
          double TR[6][6], D[6][6];
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              double v = 0.;
              for (unsigned int k = 0; k < 6; ++k)
                v += Th[p][k] * inv_root[k][q];
              TR[p][q] = v;
            }
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              double v = 0.;
              for (unsigned int k = 0; k < 6; ++k)
                v += root[p][k] * TR[k][q];
              D[p][q] = v;
            }
          *M = Tensor4();
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = 0; q < 6; ++q)
            {
              const unsigned int i = mi[p], j = mj[p], k = mi[q], l = mj[q];
              // tau+_ij = D_pq t_q / w_p, t_q = w_q sym(tau)_kl
              const double v   = D[p][q] * mandel_weight(q) / mandel_weight(p);
              const double h   = k == l ? v : 0.5 * v;
              (*M)[i][j][k][l] = (*M)[j][i][k][l] = h;
              (*M)[i][j][l][k] = (*M)[j][i][l][k] = h;
            }
          return s;
        }

        // axial vector w of a skew W (W x = w x x): w_k = -1/2 e_ijk W_ij
        dealii::Tensor<1, 3>
        axial(const Tensor2 &W)
        {
          return dealii::Tensor<1, 3>({0.5 * (W[2][1] - W[1][2]),
                                       0.5 * (W[0][2] - W[2][0]),
                                       0.5 * (W[1][0] - W[0][1])});
        }

        Tensor2
        skew_of(const dealii::Tensor<1, 3> &w)
        {
          Tensor2 W;
          W[0][1] = -w[2];
          W[1][0] = w[2];
          W[0][2] = w[1];
          W[2][0] = -w[1];
          W[1][2] = -w[0];
          W[2][1] = w[0];
          return W;
        }

        // The step's rotation dR of A = F F_n^-1 = dR U and, with @p dR_dF,
        // d dR / dF_kl = dR Omega_kl, axial(Omega) = (tr U I - U)^-1
        // axial(dR^T dA - dA^T dR), dA = E_kl F_n^-1.
        Tensor2
        step_rotation(const Tensor2 &F,
                      const Tensor2 &F_old,
                      Tensor2 (*dR_dF)[3] = nullptr)
        {
          const Tensor2 Fn_inv = dealii::invert(F_old);
          const Tensor2 A      = F * Fn_inv;
          const Tensor2 R      = dealii::project_onto_orthogonal_tensors(A);
          if (dR_dF == nullptr)
            return R;
          const Tensor2 U = dealii::transpose(R) * A;
          const Tensor2 K = dealii::invert(
            dealii::trace(U) * Tensor2(dealii::unit_symmetric_tensor<3>()) -
            0.5 * (U + dealii::transpose(U)));
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = 0; l < 3; ++l)
            {
              Tensor2 dA; // E_kl F_n^-1
              for (unsigned int j = 0; j < 3; ++j)
                dA[k][j] = Fn_inv[l][j];
              const Tensor2 X = dealii::transpose(R) * dA;
              dR_dF[k][l] = R * skew_of(K * axial(X - dealii::transpose(X)));
            }
          return R;
        }
      } // namespace


      StepStiffness
      step_stiffness(const Stiffness &C, const Tensor2 &F_old)
      {
        StepStiffness s;
        s.C     = C;
        s.F_old = F_old;
        mandel_roots(C, s.root, s.inv_root);
        return s;
      }


      std::pair<double, double>
      orthogonal_split(const Tensor2       &S,
                       const StepStiffness &C,
                       Tensor2             &S_plus,
                       Tensor4             *dS_plus)
      {
        const SpectralPart s = orthogonal_part(S, C.root, C.inv_root, dS_plus);
        S_plus               = s.tau_plus;
        return std::make_pair(s.psi_plus, s.psi_minus);
      }


      Stiffness
      isotropic_stiffness(const IsotropicModuli &m)
      {
        const auto I = dealii::unit_symmetric_tensor<3>();
        return m.K * dealii::outer_product(I, I) +
               2. * m.G * dealii::deviator_tensor<3>();
      }


      namespace
      {
        // degrade() with the orthogonal split in the metric dR * C_n (the
        // file comment of the header): tau+ = dR tau^+(dR^T tau~ dR) dR^T,
        // P = P~ - c tau+ F^-T, with dR's derivative in the tangent.
        // Returns (psi+, psi-) of the effective stress.
        std::pair<double, double>
        degrade_rotated(UpdateResult        &r,
                        const Tensor2       &F,
                        const double         c,
                        const StepStiffness &stiffness)
        {
          Tensor2            dR_dF[3][3];
          const Tensor2      R   = step_rotation(F, stiffness.F_old, dR_dF);
          const Tensor2      Rt  = dealii::transpose(R);
          const Tensor2      tau = r.P * dealii::transpose(F);
          Tensor4            M;
          const SpectralPart s      = orthogonal_part(Rt * tau * R,
                                                 stiffness.root,
                                                 stiffness.inv_root,
                                                 &M);
          const Tensor2      tp     = R * s.tau_plus * Rt;
          const Tensor2      Finv_T = dealii::transpose(dealii::invert(F));
          Tensor4            dP;
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = 0; l < 3; ++l)
            {
              // d tau~ / dF_kl = A_amkl F_bm + P~_al delta_bk
              Tensor2 dtau;
              for (unsigned int a = 0; a < 3; ++a)
                for (unsigned int b = 0; b < 3; ++b)
                {
                  double v = b == k ? r.P[a][l] : 0.;
                  for (unsigned int m = 0; m < 3; ++m)
                    v += r.dP_dF[a][m][k][l] * F[b][m];
                  dtau[a][b] = v;
                }
              const Tensor2 &dR  = dR_dF[k][l];
              const Tensor2  dRt = dealii::transpose(dR);
              const Tensor2  dhat =
                dRt * tau * R + Rt * dtau * R + Rt * tau * dR;
              Tensor2 dhp; // M : dhat
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = 0; j < 3; ++j)
                  for (unsigned int a = 0; a < 3; ++a)
                    for (unsigned int b = 0; b < 3; ++b)
                      dhp[i][j] += M[i][j][a][b] * dhat[a][b];
              const Tensor2 dtp =
                dR * s.tau_plus * Rt + R * dhp * Rt + R * s.tau_plus * dRt;
              // d(tau+ F^-T) = dtau+ F^-T - (tau+ F^-T)_il F^-T_kj
              const Tensor2 a  = dtp * Finv_T;
              const Tensor2 Pp = tp * Finv_T;
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = 0; j < 3; ++j)
                  dP[i][j][k][l] = a[i][j] - Pp[i][l] * Finv_T[k][j];
            }
          r.dP_dF -= c * dP;
          r.P -= c * tp * Finv_T;
          return std::make_pair(s.psi_plus, s.psi_minus);
        }
      } // namespace


      Split
      split_from_string(const std::string &name)
      {
        if (name == "spectral")
          return Split::spectral;
        if (name == "orthogonal")
          return Split::orthogonal;
        AssertThrow(name == "volumetric-deviatoric",
                    dealii::ExcMessage("unknown energy split <" + name +
                                       "> (volumetric-deviatoric, spectral "
                                       "or orthogonal)"));
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
                   const Split            split,
                   const StepStiffness   *stiffness,
                   const Tensor2         &F)
      {
        if (split == Split::orthogonal)
        {
          // psi(tau, dR * C_n) = psi(dR^T tau dR, C_n)
          if (stiffness == nullptr)
          {
            double root[6][6], inv_root[6][6];
            isotropic_roots(moduli, root, inv_root);
            const SpectralPart s = orthogonal_part(tau, root, inv_root);
            return std::make_pair(s.psi_plus, s.psi_minus);
          }
          const Tensor2      R = step_rotation(F, stiffness->F_old);
          const SpectralPart s = orthogonal_part(dealii::transpose(R) * tau * R,
                                                 stiffness->root,
                                                 stiffness->inv_root);
          return std::make_pair(s.psi_plus, s.psi_minus);
        }
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


      std::pair<double, double>
      degrade(UpdateResult          &r,
              const Tensor2         &F,
              const double           g,
              const Split            split,
              const IsotropicModuli &moduli,
              const StepStiffness   *stiffness)
      {
        if (split == Split::volumetric_deviatoric)
        {
          const auto psi = energy_split(r.P * dealii::transpose(F), moduli);
          degrade(r, F, g);
          return psi;
        }
        // P = P~ - c tau+(tau~) F^-T, tau~ = P~ F^T, c = 1 - g:
        // dP_ijkl = A_ijkl - c (M_imab Dtau_abkl F^-T_mj
        //                       - (tau+ F^-T)_il F^-T_kj),
        // Dtau_abkl = d tau~_ab / dF_kl = A_amkl F_bm + P~_al delta_bk.
        const double c = 1. - g;
        if (c == 0.)
          return energy_split(
            r.P * dealii::transpose(F), moduli, split, stiffness, F);
        if (split == Split::orthogonal && stiffness != nullptr)
          return degrade_rotated(r, F, c, *stiffness);
        Tensor4       M;
        const Tensor2 tau_eff = r.P * dealii::transpose(F);
        double        root[6][6], inv_root[6][6];
        if (split == Split::orthogonal)
          isotropic_roots(moduli, root, inv_root);
        const SpectralPart s      = split == Split::orthogonal
                                      ? orthogonal_part(tau_eff, root, inv_root, &M)
                                      : spectral_part(tau_eff, moduli, &M);
        const Tensor2      Finv_T = dealii::transpose(dealii::invert(F));
        const Tensor2      Pp     = s.tau_plus * Finv_T;
        Tensor4            Dtau;
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
        return std::make_pair(s.psi_plus, s.psi_minus);
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
