// Mesh- and partition-independent grain lookup of the crystal model.
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <micropillar/constitutive/crystal/microstructure.h>
#include <set>

using namespace micropillar::constitutive;
using namespace micropillar::constitutive::crystal;

namespace
{
  PointContext
  at(const double x, const double y, const double z, const unsigned int layer)
  {
    PointContext c;
    c.X           = dealii::Point<3>(x, y, z);
    c.layer_index = layer;
    return c;
  }

  /// Pseudo-random points from a simple LCG (test-local).
  struct Points
  {
    std::uint64_t s = 12345;
    double
    next()
    {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return (s >> 11) * (1.0 / 9007199254740992.0);
    }
  };
} // namespace

TEST(CrystalMicrostructure, ReproducibleAndOrderIndependent)
{
  Microstructure::Parameters p;
  p.type       = Microstructure::Type::equiaxed;
  p.grain_size = 0.02;
  p.seed       = 7;
  const Microstructure      m1(p), m2(p);
  std::vector<PointContext> pts;
  Points                    r;
  for (unsigned int i = 0; i < 200; ++i)
    pts.push_back(at(r.next() - 0.5, r.next() - 0.5, r.next() * 2., 0));
  std::vector<Microstructure::Grain> forward;
  for (const auto &c : pts)
    forward.push_back(m1.lookup(c));
  // Reverse order, other instance.
  for (int i = static_cast<int>(pts.size()) - 1; i >= 0; --i)
  {
    const auto g = m2.lookup(pts[i]);
    EXPECT_EQ(g.id, forward[i].id);
    EXPECT_EQ((g.R - forward[i].R).norm(), 0.);
  }
  // Another seed gives another microstructure.
  p.seed = 8;
  const Microstructure m3(p);
  unsigned int         same = 0;
  for (unsigned int i = 0; i < pts.size(); ++i)
    same += (m3.lookup(pts[i]).id == forward[i].id);
  EXPECT_LT(same, 5u);
}

TEST(CrystalMicrostructure, NearestSeedIsExact)
{
  // Brute force over a large neighbourhood of seeds: the 5^3 search must
  // find the same nearest seed.
  Microstructure::Parameters p;
  p.type       = Microstructure::Type::equiaxed;
  p.grain_size = 1.;
  const Microstructure m(p);
  const double         s = m.cell_size();
  Points               r;
  for (unsigned int i = 0; i < 300; ++i)
  {
    const auto c = at(10. * r.next(), 10. * r.next(), 10. * r.next(), 0);
    const auto g = m.lookup(c);
    // Seeds of cells ±3 around: look them up at their own positions.
    double best = 1e30;
    for (int di = -3; di <= 3; ++di)
      for (int dj = -3; dj <= 3; ++dj)
        for (int dk = -3; dk <= 3; ++dk)
        {
          const auto gi =
            m.lookup(at(c.X[0] + di * s, c.X[1] + dj * s, c.X[2] + dk * s, 0));
          best =
            std::min(best, (c.X - dealii::Point<3>(gi.seed_position)).norm());
        }
    EXPECT_NEAR((c.X - dealii::Point<3>(g.seed_position)).norm(), best, 1e-12);
  }
}

TEST(CrystalMicrostructure, ColumnarGrainsThroughLayerNewPerLayer)
{
  Microstructure::Parameters p;
  p.type       = Microstructure::Type::columnar;
  p.grain_size = 0.02;
  const Microstructure m(p);
  Points               r;
  unsigned int         same_other_layer = 0;
  for (unsigned int i = 0; i < 200; ++i)
  {
    const double x = r.next(), y = r.next();
    const auto   a = m.lookup(at(x, y, 0.001, 3));
    const auto   b = m.lookup(at(x, y, 0.017, 3));
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ((a.R - b.R).norm(), 0.);
    same_other_layer += (m.lookup(at(x, y, 0.031, 4)).id == a.id);
  }
  EXPECT_LT(same_other_layer, 5u);
}

TEST(CrystalMicrostructure, EquiaxedMeanGrainSize)
{
  // Count the grains whose seeds lie in a box of edge L, sampling points
  // at d/6 spacing: N ≈ L^3 / (π d^3 / 6) for equivalent-sphere size d.
  for (const double d : {0.02, 0.05})
  {
    Microstructure::Parameters p;
    p.type       = Microstructure::Type::equiaxed;
    p.grain_size = d;
    p.seed       = 3;
    const Microstructure m(p);
    const double         L = 8. * d;
    const unsigned int   n = 48;
    std::set<double>     ids;
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int k = 0; k < n; ++k)
        {
          const auto g = m.lookup(
            at((i + 0.5) * L / n, (j + 0.5) * L / n, (k + 0.5) * L / n, 0));
          bool inside = true;
          for (unsigned int c = 0; c < 3; ++c)
            inside =
              inside && g.seed_position[c] >= 0. && g.seed_position[c] < L;
          if (inside)
            ids.insert(g.id);
        }
    const double expected   = L * L * L / (M_PI * d * d * d / 6.);
    const double d_measured = std::cbrt(6. * L * L * L / (M_PI * ids.size()));
    EXPECT_NEAR(d_measured / d, 1., 0.08)
      << "grains " << ids.size() << " expected " << expected;
  }
}

TEST(CrystalMicrostructure, FibreTextureSpread)
{
  Microstructure::Parameters p;
  p.type        = Microstructure::Type::equiaxed;
  p.grain_size  = 0.02;
  p.tilt_spread = 5.;
  const Microstructure m(p);
  // Mean tilt of c from z: Rayleigh mean σ√(π/2) = 6.27° for σ = 5°.
  double           sum = 0., sum_cos_spin = 0.;
  unsigned int     n = 0;
  Points           r;
  std::set<double> seen;
  for (unsigned int i = 0; i < 20000 && n < 2000; ++i)
  {
    const auto g = m.lookup(at(2. * r.next(), 2. * r.next(), 2. * r.next(), 0));
    if (!seen.insert(g.id).second)
      continue;
    ++n;
    const Vector3 c = g.R * Vector3({0., 0., 1.});
    sum += std::acos(std::min(1., c[2])) * 180. / M_PI;
    const Vector3 a = g.R * Vector3({1., 0., 0.});
    sum_cos_spin += a[0];
  }
  ASSERT_GT(n, 1000u);
  EXPECT_NEAR(sum / n, 5. * std::sqrt(M_PI / 2.), 0.5);
  // Uniform rotation about the fibre: the mean of cos(spin) ≈ 0.
  EXPECT_NEAR(sum_cos_spin / n, 0., 0.08);
}

TEST(CrystalMicrostructure, RandomTextureUniform)
{
  Microstructure::Parameters p;
  p.type       = Microstructure::Type::equiaxed;
  p.grain_size = 0.02;
  p.texture    = Microstructure::Texture::random;
  const Microstructure m(p);
  double               s1 = 0., s2 = 0.;
  unsigned int         n = 0;
  std::set<double>     seen;
  Points               r;
  for (unsigned int i = 0; i < 20000 && n < 2000; ++i)
  {
    const auto g = m.lookup(at(2. * r.next(), 2. * r.next(), 2. * r.next(), 0));
    if (!seen.insert(g.id).second)
      continue;
    ++n;
    EXPECT_NEAR(dealii::determinant(g.R), 1., 1e-12);
    s1 += g.R[2][2];
    s2 += g.R[2][2] * g.R[2][2];
  }
  // For uniform SO(3), R33 = cos of the c-axis tilt is uniform on [-1, 1].
  EXPECT_NEAR(s1 / n, 0., 0.05);
  EXPECT_NEAR(s2 / n, 1. / 3., 0.03);
}
