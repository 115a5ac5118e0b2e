// Cost of the phase-field kernel at one material point (one core): the
// degraded stress and its consistent tangent (pf::degrade) with the
// spectral split, the orthogonal split in an isotropic C, the orthogonal
// split in an HCP crystal's own C carried by the step's rotation, and the
// crystal's elastic_stiffness() (its rotated lattice C) and
// step_stiffness() (C^1/2, C^-1/2: once per point update). Compare with one
// crystal update (crystal_benchmark: HCP ~135-217k/s).
//   ./phase_field_benchmark --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>
#include <micropillar/constitutive/phase_field.h>

using namespace micropillar::constitutive;
using namespace micropillar::constitutive::crystal;
namespace pf = micropillar::constitutive::phase_field;

namespace
{
  CrystalPlasticity::Parameters
  hcp(const bool transformation)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "HCP";
    p.transformation              = transformation;
    p.microstructure.euler_angles = {{10., 40., 25.}};
    return p;
  }

  // A compressed, sheared point: P = tau F^-T with an elastic-like tangent.
  struct Point
  {
    Tensor2      F, F_old;
    UpdateResult r;
  };

  Point
  point()
  {
    Point p;
    p.F_old = identity();
    p.F     = identity();
    p.F[2][2] -= 0.012;
    p.F[0][0] += 0.004;
    p.F[1][1] += 0.005;
    p.F[0][2] += 0.003;
    p.F_old[2][2] -= 0.011;
    const double lambda = 1.2e5, mu = 8e4;
    Tensor2      eps = 0.5 * (p.F + dealii::transpose(p.F)) - identity();
    const double tr  = dealii::trace(eps);
    Tensor2      tau = 2. * mu * eps;
    for (unsigned int i = 0; i < 3; ++i)
      tau[i][i] += lambda * tr;
    p.r.P = tau * dealii::transpose(dealii::invert(p.F));
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        p.r.dP_dF[i][j][i][j] = 2. * mu;
    return p;
  }

  void
  run(benchmark::State &bstate, const pf::Split split, const bool own)
  {
    const Point               p = point();
    const pf::IsotropicModuli m{2e5, 8e4};
    const CrystalPlasticity   crystal(hcp(false));
    std::vector<double>       s(crystal.n_state());
    crystal.initialise_state(PointContext(), s);
    pf::Stiffness C_n;
    crystal.elastic_stiffness(p.F_old, s, C_n);
    const pf::StepStiffness C = pf::step_stiffness(C_n, p.F_old);
    for (auto _ : bstate)
    {
      UpdateResult r = p.r;
      pf::degrade(r, p.F, 0.3, split, m, own ? &C : nullptr);
      benchmark::DoNotOptimize(r.P[2][2]);
      benchmark::ClobberMemory();
    }
    bstate.SetItemsProcessed(bstate.iterations());
  }

  void
  BM_degrade_spectral(benchmark::State &bstate)
  {
    run(bstate, pf::Split::spectral, false);
  }

  void
  BM_degrade_orthogonal_isotropic(benchmark::State &bstate)
  {
    run(bstate, pf::Split::orthogonal, false);
  }

  void
  BM_degrade_orthogonal_crystal(benchmark::State &bstate)
  {
    run(bstate, pf::Split::orthogonal, true);
  }

  void
  BM_crystal_elastic_stiffness(benchmark::State &bstate)
  {
    const CrystalPlasticity crystal(hcp(true));
    std::vector<double>     s(crystal.n_state());
    crystal.initialise_state(PointContext(), s);
    const Point                   p = point();
    dealii::SymmetricTensor<4, 3> C;
    for (auto _ : bstate)
    {
      crystal.elastic_stiffness(p.F, s, C);
      benchmark::DoNotOptimize(C[2][2][2][2]);
      benchmark::ClobberMemory();
    }
    bstate.SetItemsProcessed(bstate.iterations());
  }

  void
  BM_step_stiffness(benchmark::State &bstate)
  {
    const CrystalPlasticity crystal(hcp(false));
    std::vector<double>     s(crystal.n_state());
    crystal.initialise_state(PointContext(), s);
    const Point   p = point();
    pf::Stiffness C;
    crystal.elastic_stiffness(p.F, s, C);
    for (auto _ : bstate)
    {
      const pf::StepStiffness S = pf::step_stiffness(C, p.F_old);
      benchmark::DoNotOptimize(S.root[0][0]);
      benchmark::ClobberMemory();
    }
    bstate.SetItemsProcessed(bstate.iterations());
  }
} // namespace

BENCHMARK(BM_degrade_spectral);
BENCHMARK(BM_degrade_orthogonal_isotropic);
BENCHMARK(BM_degrade_orthogonal_crystal);
BENCHMARK(BM_crystal_elastic_stiffness);
BENCHMARK(BM_step_stiffness);
BENCHMARK_MAIN();
