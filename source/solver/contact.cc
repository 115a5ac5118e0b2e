// The penalty kernel of the punch contact (see solver/contact.h).
#include <cmath>
#include <micropillar/solver/contact.h>

namespace micropillar
{
  namespace solver
  {
    namespace contact
    {
      PointResult
      penalty_point(const dealii::Point<3>      &x,
                    const double                 z_punch,
                    const std::array<double, 2> &anchor,
                    const double                 eps_n,
                    const double                 eps_t,
                    const double                 mu,
                    const double                 gap_tolerance)
      {
        PointResult  r;
        const double g = x[2] - z_punch;
        r.anchor       = {{x[0], x[1]}};
        if (g < -gap_tolerance)
          return r;
        r.active          = true;
        const bool loaded = g > 0.;
        r.pressure        = loaded ? eps_n * g : 0.;
        r.traction[2]     = -r.pressure;
        r.tangent[2][2]   = -eps_n;
        if (!(mu > 0.))
          return r; // frictionless: no tangential traction, anchor follows
        const double s[2]  = {x[0] - anchor[0], x[1] - anchor[1]};
        const double t[2]  = {-eps_t * s[0], -eps_t * s[1]};
        const double t_n   = std::hypot(t[0], t[1]);
        const double limit = mu * r.pressure;
        if (t_n <= limit)
        {
          // stick
          r.anchor = anchor;
          for (unsigned int i = 0; i < 2; ++i)
          {
            r.traction[i]   = t[i];
            r.tangent[i][i] = -eps_t;
          }
          return r;
        }
        // slip: return onto the cone |t_T| = mu p
        r.slipping        = true;
        const double n[2] = {t[0] / t_n, t[1] / t_n};
        for (unsigned int i = 0; i < 2; ++i)
        {
          r.traction[i] = limit * n[i];
          r.anchor[i]   = x[i] + r.traction[i] / eps_t;
          // d(mu p n)/dx_T = mu p (I - n n) dn... with dt*/dx_T = -eps_t I
          for (unsigned int j = 0; j < 2; ++j)
            r.tangent[i][j] =
              -limit * eps_t / t_n * ((i == j ? 1. : 0.) - n[i] * n[j]);
          // p depends on x_z. At an active point not yet pressed
          // (-gap_tolerance <= g <= 0) this is the derivative from the
          // pressed side, as the normal's -eps_n above: with 0 there, the
          // first Newton iterate of a pillar whose top face the predictor
          // put exactly on the punch had a tangent error of 1.5 % of |R|
          // in every h of the Taylor test (tests/regression/
          // pillar_tangent_test.py).
          r.tangent[i][2] = mu * eps_n * n[i];
        }
        return r;
      }
    } // namespace contact
  }   // namespace solver
} // namespace micropillar
