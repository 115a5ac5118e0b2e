// Lattice geometry and elasticity of the crystal-plasticity model:
// slip systems, stiffness rotation, Shoji-Nishiyama, Nanson thickness.
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <micropillar/constitutive/crystal/lattice.h>

using namespace micropillar::constitutive;
using namespace micropillar::constitutive::crystal;

namespace
{
  double
  max_diff(const Matrix6 &a, const Matrix6 &b)
  {
    double d = 0.;
    for (unsigned int i = 0; i < 6; ++i)
      for (unsigned int j = 0; j < 6; ++j)
        d = std::max(d, std::abs(a[i][j] - b[i][j]));
    return d;
  }
} // namespace

TEST(CrystalLattice, HcpSystemsOrthonormalAndCounted)
{
  const double c_a = 1.623, a = 2.5e-4;
  const auto   systems = hcp_slip_systems(c_a, a);
  ASSERT_EQ(systems.size(), 30u);
  std::map<unsigned int, unsigned int> count;
  for (const auto &s : systems)
  {
    EXPECT_NEAR(s.s.norm(), 1., 1e-14);
    EXPECT_NEAR(s.m.norm(), 1., 1e-14);
    EXPECT_NEAR(s.s * s.m, 0., 1e-14) << "family " << s.family;
    ++count[s.family];
    const double b_expected = s.family < 3 ? a : a * std::sqrt(1. + c_a * c_a);
    EXPECT_NEAR(s.burgers, b_expected, 1e-12);
  }
  EXPECT_EQ(count[0], 3u);
  EXPECT_EQ(count[1], 3u);
  EXPECT_EQ(count[2], 6u);
  EXPECT_EQ(count[3], 12u);
  EXPECT_EQ(count[4], 6u);
  // Distinct planes per family: pyramidal <a> 6, pyramidal-I 6 (two
  // directions each), pyramidal-II 6.
  for (const unsigned int fam : {2u, 3u, 4u})
  {
    std::vector<Vector3> planes;
    for (const auto &s : systems)
      if (s.family == fam)
      {
        bool seen = false;
        for (const auto &p : planes)
          seen = seen || std::abs(std::abs(p * s.m) - 1.) < 1e-12;
        if (!seen)
          planes.push_back(s.m);
      }
    EXPECT_EQ(planes.size(), 6u) << "family " << fam;
  }
  // basal planes are (0001); prismatic normals lie in the basal plane.
  for (unsigned int i = 0; i < 3; ++i)
    EXPECT_NEAR(std::abs(systems[i].m[2]), 1., 1e-14);
  for (unsigned int i = 3; i < 6; ++i)
    EXPECT_NEAR(systems[i].m[2], 0., 1e-14);
  // <a> directions have no c component, <c+a> do.
  for (unsigned int i = 0; i < 12; ++i)
    EXPECT_NEAR(systems[i].s[2], 0., 1e-14);
  for (unsigned int i = 12; i < 30; ++i)
    EXPECT_GT(std::abs(systems[i].s[2]), 0.5);
}

TEST(CrystalLattice, FccSchmidFactorsFor001)
{
  const auto systems = fcc_slip_systems(3.57e-4);
  ASSERT_EQ(systems.size(), 12u);
  unsigned int n_active = 0;
  for (const auto &s : systems)
  {
    EXPECT_NEAR(s.s * s.m, 0., 1e-14);
    const double m = std::abs(s.s[2] * s.m[2]);
    if (m > 1e-12)
    {
      EXPECT_NEAR(m, 1. / std::sqrt(6.), 1e-14);
      ++n_active;
    }
  }
  EXPECT_EQ(n_active, 8u);
}

TEST(CrystalLattice, HexagonalStiffnessInvariantAboutC)
{
  const Matrix6 C = hexagonal_stiffness(307e3, 165e3, 103e3, 358e3, 75.5e3);
  for (const double angle : {0.3, 1.0, 2.2, 5.0})
  {
    const Matrix6 Cr =
      rotate_stiffness(C, axis_angle_rotation(Vector3({0., 0., 1.}), angle));
    EXPECT_LT(max_diff(C, Cr), 1e-9 * 358e3) << "angle " << angle;
  }
  // ... but not about a basal axis (so the check can fail).
  const Matrix6 Cx =
    rotate_stiffness(C, axis_angle_rotation(Vector3({1., 0., 0.}), 0.5));
  EXPECT_GT(max_diff(C, Cx), 1e3);
}

TEST(CrystalLattice, CubicStiffnessCubicSymmetry)
{
  const Matrix6 C = cubic_stiffness(250e3, 150e3, 140e3);
  const Matrix6 Cr =
    rotate_stiffness(C, axis_angle_rotation(Vector3({0., 0., 1.}), M_PI / 2));
  EXPECT_LT(max_diff(C, Cr), 1e-9);
  const Matrix6 C45 =
    rotate_stiffness(C, axis_angle_rotation(Vector3({0., 0., 1.}), M_PI / 4));
  // [110] Young's modulus differs from [100] for an anisotropic cubic.
  EXPECT_GT(max_diff(C, C45), 1e3);
}

TEST(CrystalLattice, ShojiNishiyama)
{
  const Tensor2 Q = shoji_nishiyama();
  EXPECT_NEAR(dealii::determinant(Q), 1., 1e-14);
  EXPECT_LT((Q * dealii::transpose(Q) - identity()).norm(), 1e-14);
  const Vector3 n111 = Q * (Vector3({1., 1., 1.}) / std::sqrt(3.));
  EXPECT_LT((n111 - Vector3({0., 0., 1.})).norm(), 1e-14);
  Vector3 a = hcp_direction(1, 1, -2, 0, 1.);
  a /= a.norm();
  EXPECT_LT((Q * (Vector3({1., -1., 0.}) / std::sqrt(2.)) - a).norm(), 1e-14);
  // The basal partials map onto FCC <112> Shockley directions on (111).
  for (const Vector3 &p : hcp_partial_directions())
  {
    const Vector3 pf = dealii::transpose(Q) * p;
    EXPECT_NEAR(pf * Vector3({1., 1., 1.}), 0., 1e-14);
    // <112>/√6: components are multiples of 1/√6.
    for (unsigned int i = 0; i < 3; ++i)
    {
      const double x = pf[i] * std::sqrt(6.);
      EXPECT_NEAR(x, std::round(x), 1e-12);
    }
  }
}

TEST(CrystalLattice, EulerRoundTrip)
{
  const Tensor2 R  = euler_to_rotation(0.3, 1.1, -2.0);
  const auto    e  = rotation_to_euler(R);
  const Tensor2 R2 = euler_to_rotation(e[0], e[1], e[2]);
  EXPECT_LT((R - R2).norm(), 1e-13);
}

TEST(CrystalLattice, LayerThicknessIsochoric)
{
  const Vector3 N0({0., 0., 1.});
  for (const double lambda : {0.7, 0.95, 1.2})
  {
    Tensor2 F;
    F[0][0] = F[1][1] = 1. / std::sqrt(lambda);
    F[2][2]           = lambda;
    EXPECT_NEAR(layer_thickness_ratio(F, N0), lambda, 1e-14);
    // Rotation-invariant.
    const Tensor2 Q = axis_angle_rotation(Vector3({1., 2., 3.}), 0.8);
    EXPECT_NEAR(layer_thickness_ratio(Q * F, N0), lambda, 1e-14);
  }
  // In-plane shear of the layers does not change their thickness.
  Tensor2 S = identity();
  S[0][2]   = 0.3;
  EXPECT_NEAR(layer_thickness_ratio(S, N0), 1., 1e-14);
}
