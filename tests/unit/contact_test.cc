// Unit tests of the penalty contact kernel with Coulomb friction
// (solver/contact.h): open/closed, stick below mu p, slip above with the
// traction on the cone and the anchor moved, the frictionless limit, and
// the consistent tangent against central finite differences in stick and
// in slip.
#include <cmath>
#include <gtest/gtest.h>
#include <micropillar/solver/contact.h>

using namespace micropillar::solver::contact;
using dealii::Point;

namespace
{
  constexpr double eps_n = 1e5, eps_t = 2e5, tol = 1e-12;

  // max over i, j of |dt_i/dx_j - FD| relative to max |dt/dx|.
  double
  tangent_error(const Point<3>              &x,
                const std::array<double, 2> &a,
                const double                 mu)
  {
    const PointResult r   = penalty_point(x, 1., a, eps_n, eps_t, mu, tol);
    double            err = 0., scale = 0.;
    const double      h = 1e-7;
    for (unsigned int j = 0; j < 3; ++j)
    {
      Point<3> xp = x, xm = x;
      xp[j] += h;
      xm[j] -= h;
      const auto rp = penalty_point(xp, 1., a, eps_n, eps_t, mu, tol);
      const auto rm = penalty_point(xm, 1., a, eps_n, eps_t, mu, tol);
      for (unsigned int i = 0; i < 3; ++i)
      {
        const double fd = (rp.traction[i] - rm.traction[i]) / (2. * h);
        err             = std::max(err, std::abs(fd - r.tangent[i][j]));
        scale           = std::max(scale, std::abs(r.tangent[i][j]));
      }
    }
    return err / scale;
  }
} // namespace

TEST(Contact, OpenPointCarriesNothing)
{
  const auto r = penalty_point(
    Point<3>(0.1, 0.2, 0.99), 1., {{0., 0.}}, eps_n, eps_t, 0.3, tol);
  EXPECT_FALSE(r.active);
  EXPECT_EQ(r.pressure, 0.);
  EXPECT_EQ(r.traction.norm(), 0.);
  EXPECT_EQ(r.tangent.norm(), 0.);
}

TEST(Contact, PenetrationGivesPenaltyPressure)
{
  const double g = 1e-4;
  const auto   r = penalty_point(
    Point<3>(0.1, 0.2, 1. + g), 1., {{0.1, 0.2}}, eps_n, eps_t, 0.3, tol);
  EXPECT_TRUE(r.active);
  EXPECT_FALSE(r.slipping);
  EXPECT_NEAR(r.pressure, eps_n * g, 1e-12 * eps_n * g);
  EXPECT_NEAR(r.traction[2], -eps_n * g, 1e-12 * eps_n * g);
  EXPECT_EQ(r.tangent[2][2], -eps_n);
}

TEST(Contact, SticksBelowMuP)
{
  // elastic slip s with eps_t |s| = 0.9 mu p: stick, traction -eps_t s
  const double mu = 0.3, g = 1e-4, p = eps_n * g;
  const double s = 0.9 * mu * p / eps_t;
  const auto   r = penalty_point(
    Point<3>(s * 0.6, s * 0.8, 1. + g), 1., {{0., 0.}}, eps_n, eps_t, mu, tol);
  EXPECT_TRUE(r.active);
  EXPECT_FALSE(r.slipping);
  EXPECT_NEAR(r.traction[0], -0.9 * mu * p * 0.6, 1e-10 * p);
  EXPECT_NEAR(r.traction[1], -0.9 * mu * p * 0.8, 1e-10 * p);
  EXPECT_EQ(r.anchor[0], 0.);
  EXPECT_EQ(r.anchor[1], 0.);
}

TEST(Contact, SlipsAboveMuPOnTheCone)
{
  const double mu = 0.3, g = 1e-4, p = eps_n * g;
  const double s = 3. * mu * p / eps_t;
  const auto   r = penalty_point(
    Point<3>(s * 0.6, s * 0.8, 1. + g), 1., {{0., 0.}}, eps_n, eps_t, mu, tol);
  EXPECT_TRUE(r.slipping);
  // |t_T| = mu p, opposite to the slip
  EXPECT_NEAR(std::hypot(r.traction[0], r.traction[1]), mu * p, 1e-10 * p);
  EXPECT_NEAR(r.traction[0], -mu * p * 0.6, 1e-10 * p);
  EXPECT_NEAR(r.traction[1], -mu * p * 0.8, 1e-10 * p);
  // the anchor moved so that the elastic slip is on the cone: from the
  // new anchor the same point sticks with |t_T| = mu p
  const auto again = penalty_point(
    Point<3>(s * 0.6, s * 0.8, 1. + g), 1., r.anchor, eps_n, eps_t, mu, tol);
  EXPECT_FALSE(again.slipping);
  EXPECT_NEAR(std::hypot(again.traction[0], again.traction[1]),
              mu * p,
              1e-8 * p);
}

TEST(Contact, FrictionlessHasNoTangentialTraction)
{
  const auto r = penalty_point(
    Point<3>(0.3, -0.2, 1. + 1e-4), 1., {{0., 0.}}, eps_n, eps_t, 0., tol);
  EXPECT_TRUE(r.active);
  EXPECT_EQ(r.traction[0], 0.);
  EXPECT_EQ(r.traction[1], 0.);
  EXPECT_EQ(r.tangent[0][0], 0.);
  EXPECT_EQ(r.anchor[0], 0.3);
}

TEST(Contact, TangentMatchesFiniteDifferencesInStick)
{
  const double g = 1e-3, p = eps_n * g, mu = 0.3;
  const double s = 0.5 * mu * p / eps_t;
  EXPECT_LT(tangent_error(Point<3>(s * 0.6, -s * 0.8, 1. + g), {{0., 0.}}, mu),
            1e-6);
}

TEST(Contact, TangentMatchesFiniteDifferencesInSlip)
{
  const double   g = 1e-3, p = eps_n * g, mu = 0.3;
  const double   s = 4. * mu * p / eps_t;
  const Point<3> x(s * 0.6, -s * 0.8, 1. + g);
  ASSERT_TRUE(penalty_point(x, 1., {{0., 0.}}, eps_n, eps_t, mu, tol).slipping);
  EXPECT_LT(tangent_error(x, {{0., 0.}}, mu), 1e-6);
}

TEST(Contact, TouchingPointHasThePressedSideTangent)
{
  // g = 0 exactly (the predictor puts the top face on the punch), slipping
  // (mu p = 0): the tangent is the one-sided derivative into the punch,
  // for the normal traction and for the friction that the pressure brings.
  const double   mu = 0.3, s = 1e-3;
  const Point<3> x(s * 0.6, -s * 0.8, 1.);
  const auto     r = penalty_point(x, 1., {{0., 0.}}, eps_n, eps_t, mu, tol);
  ASSERT_TRUE(r.active);
  ASSERT_TRUE(r.slipping);
  EXPECT_EQ(r.pressure, 0.);
  const double h  = 1e-9;
  const auto   rp = penalty_point(
    Point<3>(x[0], x[1], 1. + h), 1., {{0., 0.}}, eps_n, eps_t, mu, tol);
  for (unsigned int i = 0; i < 3; ++i)
    EXPECT_NEAR(r.tangent[i][2],
                (rp.traction[i] - r.traction[i]) / h,
                1e-6 * eps_n)
      << "component " << i;
}
