// Anderson acceleration of a fixed-point iteration x <- G(x) (Anderson
// 1965; the "type II" form of Walker & Ni 2011, SIAM J Numer Anal 49):
// with the residuals f_i = G(x_i) - x_i of the last m + 1 iterates, the
// next iterate is
//   x_{k+1} = G(x_k) - sum_j gamma_j (G(x_{j+1}) - G(x_j)),
//   gamma = argmin || f_k - sum_j gamma_j (f_{j+1} - f_j) ||_2,
// i.e. the combination of the last m + 1 map values whose linearised
// residual is smallest (m = 1 is a secant method; on a linear map with an
// unlimited depth it is essentially GMRES on x - G(x) = 0). Used on the damage
// field's staggered loop (solver/damage_field.h, Fracture/Staggered
// acceleration): G is one staggered pass, displacement solve and damage solve;
// Storvik et al. 2021 (CMAME 381, 113822) accelerate the phase-field increments
// of the staggered scheme the same way.
//
// Safeguard (restart): when the residual at an extrapolated iterate is
// larger (L2) than at the iterate it was extrapolated from, the history is
// discarded and the next iterate is the plain G(x_k) (the map's value at
// the extrapolated point, a pass already paid for). After max_restarts
// restarts (or abandon() calls) since reset() the iteration stays plain
// until the next reset(): on a contraction whose Jacobian is similar to a
// symmetric one (alternate minimisation's is, linearised) Anderson
// acceleration reduces the residual and restarts are rare, but on a
// strongly non-normal map it can stagnate (tests/unit/anderson_test.cc
// has one), and the cap bounds the loss to a few passes over the plain
// iteration.
//
// Repelling fixed points: Anderson acceleration is a root finder for
// G(x) - x = 0, so it also converges to a fixed point that the plain
// iteration moves away from (|G'| > 1 along some direction): for the
// staggered loop, alternate minimisation, such a point is not a minimum
// (a homogeneous damage state past its peak, a crack that should run at a
// fixed load). So an extrapolation is made only while the map contracts
// along the last move, (x_k - x_{k-1}).(G(x_k) - G(x_{k-1})) <
// |x_k - x_{k-1}|^2 (the secant slope along it below 1); otherwise the
// history is cleared and the plain value is taken (counted in
// n_repelled). This detects a repelling direction only once the iterates
// move along it: an unstable mode that the plain loop would amplify from
// round-off over many passes may not show in the few passes an
// accelerated step takes.
//
// The least-squares problem is solved by the normal equations
// with a Cholesky factorisation of the m x m Gram matrix; a difference
// column whose component orthogonal to the newer ones is below 1e-6 of its
// length is dropped (of two dependent columns the older), so the
// factorisation cannot break down.
//
// VectorType: dealii::Vector<double> or TrilinosWrappers::MPI::Vector (the
// dot products are global). Header only.
#ifndef micropillar_solver_anderson_h
#define micropillar_solver_anderson_h

#include <algorithm>
#include <cmath>
#include <deal.II/lac/vector_operation.h>
#include <deque>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    template <typename VectorType>
    class AndersonAcceleration
    {
    public:
      /// @p depth: m, the number of differences kept (>= 1); after
      /// @p max_restarts safeguard restarts the iteration stays plain until
      /// reset().
      explicit AndersonAcceleration(const unsigned int depth,
                                    const unsigned int max_restarts = 5)
          : depth(depth)
          , max_restarts(max_restarts)
      {
      }

      /// Forget the history (not the restarts since reset()).
      void
      clear_history()
      {
        dF.clear();
        dG.clear();
        have_previous = false;
        extrapolated  = false;
      }

      /// A new iteration (a new load step, a cut-back step): forget the
      /// history and the restarts.
      void
      reset()
      {
        clear_history();
        restarts_since_reset = 0;
      }

      /// @p x: the iterate the map was evaluated at, @p g = G(x). Writes
      /// the next iterate into @p x_next (not projected on any bounds: the
      /// caller's business) and returns true if it is extrapolated, false
      /// if it is the plain G(x) (no history yet, or the safeguard has
      /// restarted the history).
      bool
      next(const VectorType &x, const VectorType &g, VectorType &x_next)
      {
        VectorType f(g);
        f -= x;
        const double norm = f.l2_norm();
        if (have_previous && extrapolated && !(norm <= previous_norm))
        {
          // the extrapolated iterate did not reduce the residual
          ++n_restarts;
          ++restarts_since_reset;
          dF.clear();
          dG.clear();
        }
        else if (have_previous)
        {
          VectorType df(f), dg(g);
          df -= f_previous;
          dg -= g_previous;
          // the secant slope of G along the last move dx = dg - df
          VectorType dx(dg);
          dx -= df;
          const double dxdx = dx * dx;
          if (dxdx > 0. && !((dx * dg) < dxdx))
          {
            ++n_repelled;
            dF.clear();
            dG.clear();
          }
          else
          {
            dF.push_front(df);
            dG.push_front(dg);
            if (dF.size() > depth)
            {
              dF.pop_back();
              dG.pop_back();
            }
          }
        }
        f_previous    = f;
        g_previous    = g;
        previous_norm = norm;
        have_previous = true;
        x_next        = g;
        extrapolated  = false;
        if (dF.empty() || restarts_since_reset >= max_restarts)
          return false;

        // Gram matrix of the differences (0 = newest) and the right-hand
        // side; columns nearly dependent on newer ones are dropped.
        const unsigned int  n = dF.size();
        std::vector<double> M(n * n), r(n);
        for (unsigned int i = 0; i < n; ++i)
        {
          r[i] = dF[i] * f;
          for (unsigned int j = 0; j <= i; ++j)
            M[i * n + j] = M[j * n + i] = dF[i] * dF[j];
        }
        std::vector<unsigned int> keep;
        std::vector<double>       L; // Cholesky factor of the kept columns
        for (unsigned int c = 0; c < n; ++c)
        {
          // try to append column c to the factor of the kept ones
          const unsigned int  k = keep.size();
          std::vector<double> row(k + 1);
          double              pivot = M[c * n + c];
          for (unsigned int a = 0; a < k; ++a)
          {
            double s = M[c * n + keep[a]];
            for (unsigned int b = 0; b < a; ++b)
              s -= row[b] * L[a * n + b];
            row[a] = s / L[a * n + a];
            pivot -= row[a] * row[a];
          }
          if (!(pivot > 1e-12 * M[c * n + c]))
            continue; // dependent (or zero): dropped
          row[k] = std::sqrt(pivot);
          L.resize((k + 1) * n);
          for (unsigned int b = 0; b <= k; ++b)
            L[k * n + b] = row[b];
          keep.push_back(c);
        }
        if (keep.empty())
          return false;
        // L L^T gamma = r (kept columns)
        const unsigned int  k = keep.size();
        std::vector<double> y(k), gamma(k);
        for (unsigned int a = 0; a < k; ++a)
        {
          double s = r[keep[a]];
          for (unsigned int b = 0; b < a; ++b)
            s -= L[a * n + b] * y[b];
          y[a] = s / L[a * n + a];
        }
        for (unsigned int a = k; a-- > 0;)
        {
          double s = y[a];
          for (unsigned int b = a + 1; b < k; ++b)
            s -= L[b * n + a] * gamma[b];
          gamma[a] = s / L[a * n + a];
        }
        for (unsigned int a = 0; a < k; ++a)
          x_next.add(-gamma[a], dG[keep[a]]);
        extrapolated = true;
        ++n_extrapolated;
        return true;
      }

      /// Was the last iterate next() returned extrapolated?
      bool
      last_extrapolated() const
      {
        return extrapolated;
      }

      /// The last iterate was abandoned (the displacement solve failed at
      /// it; the caller goes back to the plain G(x)): forget the history.
      void
      abandon()
      {
        ++n_abandoned;
        ++restarts_since_reset;
        clear_history();
      }

      unsigned int n_extrapolated = 0; ///< iterates extrapolated
      unsigned int n_restarts     = 0; ///< safeguard restarts
      unsigned int n_abandoned    = 0; ///< abandon() calls
      unsigned int n_repelled     = 0; ///< plain: the map repelled

    private:
      unsigned int           depth, max_restarts;
      unsigned int           restarts_since_reset = 0;
      std::deque<VectorType> dF, dG;
      VectorType             f_previous, g_previous;
      double                 previous_norm = 0.;
      bool                   have_previous = false;
      bool                   extrapolated  = false;
    };


    /// Clamp every locally owned entry of @p x to [lower(i), upper(i)].
    template <typename VectorType, typename BoundType>
    void
    clamp_to_bounds(VectorType      &x,
                    const BoundType &lower,
                    const BoundType &upper)
    {
      for (const auto i : x.locally_owned_elements())
        x(i) = std::min(std::max(static_cast<double>(x(i)),
                                 static_cast<double>(lower(i))),
                        static_cast<double>(upper(i)));
      x.compress(dealii::VectorOperation::insert);
    }
  } // namespace solver
} // namespace micropillar

#endif
